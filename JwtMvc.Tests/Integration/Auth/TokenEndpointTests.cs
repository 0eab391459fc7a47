using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>POST /api/auth/token and /api/auth/revoke, the OAuth-shaped endpoints for API clients.</summary>
public sealed class TokenEndpointTests
{
    private JwtMvcFactory factory = null!;
    private HttpClient client = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        factory = new JwtMvcFactory();
        client = factory.CreateClient();
    }

    [OneTimeTearDown]
    public void StopApp()
    {
        client.Dispose();
        factory.Dispose();
    }

    [Test]
    public async Task The_password_grant_returns_an_rfc6749_token_response()
    {
        var response = await client.PostAsync("/api/auth/token", Form(("grant_type", "password"), ("username", "alice"), ("password", "Alice#12345")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "RFC 6749 §5.1 requires no-store");
        var body = (await response.Content.ReadFromJsonAsync<OAuthTokenBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(body.TokenType, Is.EqualTo("Bearer"));
            Assert.That(body.ExpiresIn, Is.EqualTo(900));
            Assert.That(body.RefreshToken, Has.Length.EqualTo(43));
            Assert.That(body.AccessToken.Split('.'), Has.Length.EqualTo(3));
        });
    }

    [Test]
    public async Task The_password_grant_also_accepts_json_and_ignores_client_credentials()
    {
        var response = await client.PostAsJsonAsync("/api/auth/token",
            new { grant_type = "password", username = "bob", password = "Bob#12345", client_id = "anything", client_secret = "ignored" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_refresh_token_grant_rotates_and_the_old_token_becomes_reuse_once_its_successor_is_used()
    {
        var first = await TokensAsync();

        var rotated = await client.PostAsync("/api/auth/token", Form(("grant_type", "refresh_token"), ("refresh_token", first.RefreshToken)));
        var second = (await rotated.Content.ReadFromJsonAsync<OAuthTokenBody>())!;
        var rotatedAgain = await client.PostAsync("/api/auth/token", Form(("grant_type", "refresh_token"), ("refresh_token", second.RefreshToken)));
        var third = (await rotatedAgain.Content.ReadFromJsonAsync<OAuthTokenBody>())!;
        var replay = await client.PostAsync("/api/auth/token", Form(("grant_type", "refresh_token"), ("refresh_token", first.RefreshToken)));
        var afterReplay = await client.PostAsync("/api/auth/token", Form(("grant_type", "refresh_token"), ("refresh_token", third.RefreshToken)));

        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(rotatedAgain.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.RefreshToken, Is.Not.EqualTo(first.RefreshToken));
        await AssertOAuthError(replay, "invalid_grant");
        await AssertOAuthError(afterReplay, "invalid_grant");
    }

    [Test]
    public async Task Wrong_credentials_are_invalid_grant()
    {
        var response = await client.PostAsync("/api/auth/token", Form(("grant_type", "password"), ("username", "alice"), ("password", "nope")));

        await AssertOAuthError(response, "invalid_grant");
    }

    [Test]
    public async Task An_unknown_grant_type_is_unsupported_grant_type()
    {
        var response = await client.PostAsync("/api/auth/token", Form(("grant_type", "client_credentials")));

        await AssertOAuthError(response, "unsupported_grant_type");
    }

    [TestCase("username", "alice")]
    [TestCase("grant_type", "password")]
    [TestCase("grant_type", "refresh_token")]
    public async Task Missing_parameters_are_invalid_request(string name, string value)
    {
        var response = await client.PostAsync("/api/auth/token", Form((name, value)));

        await AssertOAuthError(response, "invalid_request");
    }

    [Test]
    public async Task A_body_that_is_neither_form_nor_json_object_is_invalid_request()
    {
        var response = await client.PostAsync("/api/auth/token", new StringContent("[1,2,3]", System.Text.Encoding.UTF8, "application/json"));

        await AssertOAuthError(response, "invalid_request");
    }

    [TestCase("/api/auth/token", "application/json; charset=no-such-charset", "{\"grant_type\":\"password\"}")]
    [TestCase("/api/auth/revoke", "application/json; charset=no-such-charset", "{\"token\":\"x\"}")]
    public async Task A_json_body_declared_in_a_charset_other_than_utf8_is_invalid_request_not_a_server_error(string path, string contentType, string body)
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await client.PostAsync(path, content);

        await AssertOAuthError(response, "invalid_request");
    }

    [TestCase("/api/auth/token")]
    [TestCase("/api/auth/revoke")]
    public async Task A_form_the_framework_cannot_read_is_invalid_request_not_a_server_error(string path)
    {
        var tooManyFields = new StringContent(string.Join('&', Enumerable.Range(0, 1025).Select(i => $"f{i}=")), System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        var noBoundary = new StringContent("x", System.Text.Encoding.ASCII, "multipart/form-data");

        await AssertOAuthError(await client.PostAsync(path, tooManyFields), "invalid_request");
        await AssertOAuthError(await client.PostAsync(path, noBoundary), "invalid_request");
    }

    [TestCase("/api/auth/token", "grant_type", "password")]
    [TestCase("/api/auth/revoke", "token", "x")]
    public async Task A_parameter_sent_twice_is_invalid_request(string path, string name, string value)
    {
        var response = await client.PostAsync(path, Form((name, value), (name, value)));

        await AssertOAuthError(response, "invalid_request");
    }

    [Test]
    public async Task Revoke_answers_200_with_an_empty_body_whatever_the_token()
    {
        var response = await client.PostAsync("/api/auth/revoke", Form(("token", "not-a-real-token")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
    }

    [Test]
    public async Task Revoking_a_refresh_token_ends_its_session_like_logout()
    {
        var tokens = await TokensAsync();

        var revoke = await client.PostAsync("/api/auth/revoke", Form(("token", tokens.RefreshToken), ("token_type_hint", "refresh_token")));
        var refresh = await client.PostAsync("/api/auth/token", Form(("grant_type", "refresh_token"), ("refresh_token", tokens.RefreshToken)));
        var me = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        me.Headers.Authorization = new("Bearer", tokens.AccessToken);
        var meResponse = await client.SendAsync(me);

        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertOAuthError(refresh, "invalid_grant");
        Assert.That(meResponse.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the session's access token is refused at once");
    }

    [Test]
    public async Task Revoke_without_a_token_is_invalid_request()
    {
        var response = await client.PostAsync("/api/auth/revoke", Form());

        await AssertOAuthError(response, "invalid_request");
    }

    private async Task<OAuthTokenBody> TokensAsync()
    {
        var response = await client.PostAsync("/api/auth/token", Form(("grant_type", "password"), ("username", "alice"), ("password", "Alice#12345")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await response.Content.ReadFromJsonAsync<OAuthTokenBody>())!;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static async Task AssertOAuthError(HttpResponseMessage response, string error)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"expected a 400 {error}");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), "RFC 6749 §5.2 errors are plain JSON");
        var body = (await response.Content.ReadFromJsonAsync<OAuthErrorBody>())!;
        Assert.That(body.Error, Is.EqualTo(error));
        Assert.That(body.ErrorDescription, Is.Not.Empty);
    }
}
