using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// The single-successor retry through the real HTTP API (Jwt:RefreshRetrySeconds, default 30): a lost answer or
/// concurrent refreshes of one token do not sign anyone out, and still make one chain.
/// </summary>
public sealed class RefreshRetryTests : AppFixture
{
    [Test]
    public async Task A_refresh_whose_answer_was_lost_is_answered_again_with_the_same_cookie()
    {
        var alice = await Factory.LoginAsync("alice");
        var held = alice.RefreshCookie!;
        var lost = await Factory.RefreshWithCookieAsync(held);

        var retry = await Factory.RefreshWithCookieAsync(held);

        Assert.That(lost.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the client still holding the old cookie is not signed out");
        Assert.That(RefreshRequests.RefreshCookieOf(retry), Is.EqualTo(RefreshRequests.RefreshCookieOf(lost)).And.Not.EqualTo(held), "the same successor");
        var me = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: await RefreshRequests.AccessTokenOf(retry));
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the retry's access token works");
    }

    [Test]
    public async Task Eight_concurrent_refreshes_of_one_token_all_get_one_successor_which_then_rotates_normally()
    {
        var alice = await Factory.LoginAsync("alice");
        var held = alice.RefreshCookie!;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Factory.RefreshWithCookieAsync(held)));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK), "every honest concurrent refresh succeeds");
        var successors = responses.Select(RefreshRequests.RefreshCookieOf).Distinct().ToList();
        Assert.That(successors, Has.Count.EqualTo(1), "one successor: still one chain");
        var next = await Factory.RefreshWithCookieAsync(successors[0]);
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the successor rotates normally");
        Assert.That(RefreshRequests.RefreshCookieOf(next), Is.Not.EqualTo(successors[0]).And.Not.Null);
        var replay = await Factory.RefreshWithCookieAsync(held);
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "once the successor is used, the first token is reuse");
    }

    [Test]
    public async Task A_lost_answer_of_the_token_endpoint_is_answered_again_with_the_same_refresh_token()
    {
        var login = await Factory.CreateClient().PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "bob",
            ["password"] = "Bob#12345",
        }));
        var held = (await login.Content.ReadFromJsonAsync<OAuthTokenBody>())!.RefreshToken;
        var lost = (await (await Factory.RefreshGrantAsync(held)).Content.ReadFromJsonAsync<OAuthTokenBody>())!;

        var retry = await Factory.RefreshGrantAsync(held);

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = (await retry.Content.ReadFromJsonAsync<OAuthTokenBody>())!;
        Assert.That(body.RefreshToken, Is.EqualTo(lost.RefreshToken), "the same successor refresh token");
        Assert.That(body.AccessToken, Is.Not.EqualTo(lost.AccessToken), "a new access token");
    }

    [Test]
    public async Task After_the_window_the_old_token_is_reuse_and_the_family_is_revoked()
    {
        var alice = await Factory.LoginAsync("alice");
        var held = alice.RefreshCookie!;
        var rotated = await Factory.RefreshWithCookieAsync(held);
        Factory.Clock.Advance(TimeSpan.FromSeconds(31));

        var replay = await Factory.RefreshWithCookieAsync(held);
        var successor = await Factory.RefreshWithCookieAsync(RefreshRequests.RefreshCookieOf(rotated));

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "after the window the old token is reuse");
        Assert.That(successor.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and the successor dies with its family");
    }

    [Test]
    public async Task A_retry_with_a_token_of_a_logged_out_session_is_refused()
    {
        var alice = await Factory.LoginAsync("alice");
        var held = alice.RefreshCookie!;
        Assert.That((await alice.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Add("X-Requested-With", "XMLHttpRequest");
        Assert.That((await alice.Client.SendAsync(logout)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var retry = await Factory.RefreshWithCookieAsync(held);

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a revoked session is never retried into life");
    }

    [TestCase("short")]
    [TestCase("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_malformed_or_unknown_token_is_refused_and_changes_nothing(string token)
    {
        var alice = await Factory.LoginAsync("alice");
        var held = alice.RefreshCookie!;

        var cookie = await Factory.RefreshWithCookieAsync(token);
        var grant = await Factory.RefreshGrantAsync(token);
        var stillWorks = await Factory.RefreshWithCookieAsync(held);

        Assert.That(cookie.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(grant.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await grant.Content.ReadFromJsonAsync<OAuthErrorBody>())!.Error, Is.EqualTo("invalid_grant"));
        Assert.That(stillWorks.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session's own token is untouched");
    }
}
