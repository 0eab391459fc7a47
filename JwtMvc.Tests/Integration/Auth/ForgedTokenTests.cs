using System.Net;
using System.Text.Json.Nodes;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// Validly signed tokens that no login issued (as a leaked key would allow): their claims must still hang
/// together, and odd values are 401 invalid_token, never 500.
/// </summary>
public sealed class ForgedTokenTests : AppFixture
{
    [Test]
    public async Task A_token_whose_sid_is_another_users_session_is_refused()
    {
        var alice = await Factory.LoginAsync("alice");
        var bob = await Factory.LoginAsync("bob");
        var (header, payload) = JwtForge.Decode(alice.AccessToken);
        payload["sid"] = JwtForge.Decode(bob.AccessToken).Payload["sid"]!.DeepClone();

        var response = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: Sign(header, payload));

        AssertInvalidToken(response, "bob's live session does not make a token with alice's sub valid");
        Assert.That((await bob.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "bob's own token still works");
    }

    [Test]
    public async Task A_validly_signed_token_without_sub_is_401_invalid_token()
    {
        var alice = await Factory.LoginAsync("alice");
        var (header, payload) = JwtForge.Decode(alice.AccessToken);
        payload.Remove("sub");

        var response = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: Sign(header, payload));

        AssertInvalidToken(response, "a token without a subject names nobody");
    }

    [TestCase(1e20)]
    [TestCase(253402300800d)] // one second past DateTime.MaxValue
    [TestCase(99999999999999d)]
    public async Task A_validly_signed_token_with_a_huge_exp_is_401_invalid_token(double exp)
    {
        var alice = await Factory.LoginAsync("alice");
        var (header, payload) = JwtForge.Decode(alice.AccessToken);
        payload["exp"] = exp;

        var response = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: Sign(header, payload));

        AssertInvalidToken(response, $"exp {exp} is refused, not a crash");
    }

    [Test]
    public async Task Revoking_a_valid_access_token_ends_its_session()
    {
        var alice = await Factory.LoginAsync("alice");

        var revoke = await alice.Client.PostAsync("/api/auth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = alice.AccessToken }));

        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        AssertInvalidToken(await alice.GetAsync("/api/me"), "the access token's session has ended");
        Assert.That((await alice.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and with it the refresh token");
    }

    [Test]
    public async Task Revoking_a_forged_access_token_naming_another_users_session_leaves_that_session_alone()
    {
        var alice = await Factory.LoginAsync("alice");
        var bob = await Factory.LoginAsync("bob");
        var (header, payload) = JwtForge.Decode(alice.AccessToken);
        payload["sid"] = JwtForge.Decode(bob.AccessToken).Payload["sid"]!.DeepClone();

        var revoke = await alice.Client.PostAsync("/api/auth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = Sign(header, payload) }));

        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK), "200 whatever the token (RFC 7009)");
        Assert.That((await bob.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "bob's session survives");
        Assert.That((await alice.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "alice's own session is not the one named");
    }

    private static void AssertInvalidToken(HttpResponseMessage response, string because)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), because);
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("invalid_token"), because);
    }

    private string Sign(JsonObject header, JsonObject payload) => JwtForge.Sign(header, payload, Convert.FromBase64String(Factory.SigningKey!));
}
