using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Jwt:RefreshRetrySeconds=0: strict single use, every second presentation of a refresh token is reuse.</summary>
public sealed class StrictRefreshTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Jwt:RefreshRetrySeconds"] = "0" });

    [Test]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_family_including_the_newest_token()
    {
        var alice = await Factory.LoginAsync("alice");
        var stolen = alice.RefreshCookie!;
        var rotated = await alice.RefreshAsync();
        var newest = (await rotated.Content.ReadFromJsonAsync<SessionBody>())!;

        var replay = await Factory.RefreshWithCookieAsync(stolen);
        var legitimate = await alice.RefreshAsync();
        var me = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: newest.AccessToken);

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a used token is refused");
        Assert.That(legitimate.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the newest refresh token dies with its family");
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and so does the newest access token");
    }

    [Test]
    public async Task Two_concurrent_refreshes_of_one_token_have_exactly_one_winner()
    {
        var alice = await Factory.LoginAsync("alice");
        var cookie = alice.RefreshCookie!;

        var responses = await Task.WhenAll(Factory.RefreshWithCookieAsync(cookie), Factory.RefreshWithCookieAsync(cookie));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(1), $"exactly one refresh wins, got {string.Join(", ", statuses)}");
        Assert.That(statuses.Count(s => s == HttpStatusCode.Unauthorized), Is.EqualTo(1));
    }
}
