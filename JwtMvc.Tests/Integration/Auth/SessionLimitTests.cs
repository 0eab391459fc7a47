using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Jwt:MaxSessionsPerUser: a sign-in beyond the limit ends the user's least recently used session.</summary>
public sealed class SessionLimitTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Jwt:MaxSessionsPerUser"] = "2" });

    [Test]
    public async Task A_sign_in_beyond_the_limit_ends_the_least_recently_used_session_at_once()
    {
        // Arrange: two sessions, a second apart; the first is used again after the second started.
        var first = await Factory.LoginAsync("alice");
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Factory.LoginAsync("alice");
        Assert.That((await second.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "checked once, so this instance holds it as active");
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That((await first.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Factory.Clock.Advance(TimeSpan.FromSeconds(1));

        // Act
        var third = await Factory.LoginAsync("alice");

        // Assert
        Assert.That((await second.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the least recently used session ends at once");
        Assert.That((await second.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and its refresh token with it");
        Assert.That((await first.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session refreshed since goes on");
        var sessions = JsonNode.Parse(await (await third.GetAsync("/api/account/sessions")).Content.ReadAsStringAsync())!["items"]!.AsArray();
        Assert.That(sessions, Has.Count.EqualTo(2), "at most two sessions at once");
        Assert.That(sessions.Count(s => (bool)s!["current"]!), Is.EqualTo(1), "the new session is one of them");
    }
}

/// <summary>Jwt:MaxRotationsPerSession: a session's refresh token rotates at most that many times, so one session's stored tokens are bounded.</summary>
public sealed class RotationLimitTests : AppFixture
{
    private const int Limit = 10;

    // Day-long access tokens in a one-day session: the limit may be this low and still let the session live out its day.
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?>
    {
        ["Jwt:MaxRotationsPerSession"] = Limit.ToString(CultureInfo.InvariantCulture),
        ["Jwt:AccessTokenMinutes"] = "1440",
        ["Jwt:RefreshTokenDays"] = "1",
    });

    [Test]
    public async Task A_refresh_beyond_the_limit_ends_the_session_and_the_family_stops_growing()
    {
        // Arrange: the limit's worth of rotations, each answered.
        var alice = await Factory.LoginAsync("alice");
        for (var i = 0; i < Limit; i++)
        {
            Assert.That((await alice.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"rotation {i + 1} of {Limit}");
        }

        // Act
        var beyond = await alice.RefreshAsync();

        // Assert
        Assert.That(beyond.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await alice.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the session ended, its access tokens with it");
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var session = await db.Sessions.SingleAsync();
        var tokens = await db.RefreshTokens.CountAsync(t => t.SessionId == session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(session.RevokedReason, Is.EqualTo(SessionRevocationReasons.RotationLimit));
            Assert.That(session.Rotations, Is.EqualTo(Limit));
            Assert.That(tokens, Is.EqualTo(Limit + 1), "the first token and one per rotation");
        });
        Assert.That((await Factory.LoginAsync("alice")).AccessToken, Is.Not.Empty, "signing in again starts a new session");
    }
}
