using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Refresh, rotation, reuse detection, logout and revocation through the real HTTP API.</summary>
public sealed class SessionLifecycleTests : AppFixture
{
    [Test]
    public async Task Refresh_rotates_the_cookie_and_returns_a_working_access_token()
    {
        var alice = await Factory.LoginAsync("alice");
        var firstCookie = alice.RefreshCookie;

        var response = await alice.RefreshAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(alice.RefreshCookie, Is.Not.Null.And.Not.EqualTo(firstCookie), "the cookie is rotated");
        var body = (await response.Content.ReadFromJsonAsync<SessionBody>())!;
        var me = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: body.AccessToken);
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the refreshed access token works");
    }

    [Test]
    public async Task Refresh_without_the_ajax_header_is_400()
    {
        var alice = await Factory.LoginAsync("alice");

        var response = await alice.Client.PostAsync("/api/auth/refresh", null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "X-Requested-With is required (CSRF defence in depth)");
    }

    [Test]
    public async Task Refresh_without_a_cookie_is_401_and_clears_the_cookie()
    {
        var response = await Factory.RefreshWithCookieAsync(cookie: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.GetValues("Set-Cookie").Single(), Does.Contain("jwtmvc.refresh=;").And.Contain("expires=Thu, 01 Jan 1970").IgnoreCase);
    }

    [Test]
    public async Task Logout_revokes_the_session_so_the_old_access_token_fails_at_once()
    {
        var alice = await Factory.LoginAsync("alice");
        var before = await alice.GetAsync("/api/me");

        var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var response = await alice.Client.SendAsync(logout);
        var after = await alice.GetAsync("/api/me");
        var refresh = await alice.RefreshAsync();

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Headers.GetValues("Set-Cookie").Single(), Does.Contain("jwtmvc.refresh=;"), "the cookie is cleared");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the access token of a logged-out session is refused at once");
        Assert.That(after.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
        Assert.That(refresh.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Changing_the_password_revokes_the_users_other_sessions_and_keeps_this_one()
    {
        await RegisterAsync("carol", "Carol#12345");
        var other = await Factory.LoginAsync("carol", "Carol#12345");
        var current = await Factory.LoginAsync("carol", "Carol#12345");

        var change = await current.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = "Carol#12345", newPassword = "Carol#67890" });

        Assert.That(change.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await other.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "other sessions end");
        Assert.That((await other.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "their refresh tokens too");
        Assert.That((await current.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session that changed it goes on");
    }

    [Test]
    public async Task A_wrong_current_password_is_a_validation_problem_on_that_field()
    {
        var alice = await Factory.LoginAsync("alice");

        var response = await alice.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = "wrong", newPassword = "Alice#99999" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"currentPassword\""));
    }

    [Test]
    public async Task An_expired_access_token_is_refused_with_invalid_token_and_refresh_recovers()
    {
        var alice = await Factory.LoginAsync("alice");

        Factory.Clock.Advance(TimeSpan.FromMinutes(16));
        var expired = await alice.GetAsync("/api/me");
        var refreshed = await alice.RefreshAsync();

        Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(expired.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\"").And.Contain("expired"));
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the refresh token outlives the access token");
    }

    private async Task RegisterAsync(string userName, string password)
    {
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/account/register", new { userName, email = $"{userName}@example.test", password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }
}
