using System.Net;
using System.Net.Http.Json;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>GET /api/me, served from this instance's user cache (docs/PERFORMANCE.md), and never staler than Identity on this instance.</summary>
public sealed class MeTests : AppFixture
{
    [Test]
    public async Task Me_returns_the_signed_in_user_with_session_and_expiry()
    {
        // Arrange
        var bob = await Factory.LoginAsync("bob");

        // Act
        var me = await bob.GetAsync("/api/me");

        // Assert
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = (await me.Content.ReadFromJsonAsync<MeBody>())!;
        Assert.Multiple(() =>
        {
            Assert.That(body.UserName, Is.EqualTo("bob"));
            Assert.That(body.DisplayName, Is.EqualTo("Bob"));
            Assert.That(body.Email, Is.EqualTo("bob@jwtmvc.local"));
            Assert.That(body.Roles, Is.EqualTo(new[] { "User" }));
            Assert.That(body.SessionId, Is.Not.EqualTo(Guid.Empty), "the session the token belongs to");
            Assert.That(body.ExpiresAt, Is.Not.Null, "the token's exp");
        });
    }

    [Test]
    public async Task A_profile_change_through_identity_shows_on_the_next_call_although_me_is_cached()
    {
        // Arrange: the first call caches alice's record.
        var alice = await Factory.LoginAsync("alice");
        var before = (await (await alice.GetAsync("/api/me")).Content.ReadFromJsonAsync<MeBody>())!;
        var newName = "Alice " + Guid.NewGuid().ToString("N")[..6];

        // Act
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(before.Id))!;
            user.DisplayName = newName;
            Assert.That((await users.UpdateAsync(user)).Succeeded, Is.True);
        }

        var after = (await (await alice.GetAsync("/api/me")).Content.ReadFromJsonAsync<MeBody>())!;

        // Assert
        Assert.That(after.DisplayName, Is.EqualTo(newName), "a change made through Identity on this instance evicts the cached record at once");
    }

    private sealed record MeBody(string Id, string UserName, string? DisplayName, string? Email, string[] Roles, Guid SessionId, DateTimeOffset? ExpiresAt);
}
