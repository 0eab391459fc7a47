using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Two app instances on one database and one key behave as one service.</summary>
public sealed class TwoInstanceTests : TwoInstanceFixture
{
    [Test]
    public async Task A_token_minted_by_one_instance_is_accepted_by_the_other()
    {
        var alice = await First.LoginAsync("alice");

        var response = await new SignedInClient(Second.CreateClient(), alice.AccessToken, new()).GetAsync("/api/me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_refresh_token_rotated_on_one_instance_is_reuse_on_the_other_after_the_retry_window()
    {
        var alice = await First.LoginAsync("alice");
        var cookie = alice.RefreshCookie!;
        var rotated = await alice.RefreshAsync();
        First.Clock.Advance(TimeSpan.FromSeconds(31));

        var replayed = await Second.RefreshWithCookieAsync(cookie);
        var afterReuse = await alice.RefreshAsync();

        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the second instance sees the rotation");
        Assert.That(afterReuse.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and its reuse detection ends the family on the first");
    }

    [Test]
    public async Task A_retry_of_a_refresh_rotated_on_one_instance_gets_the_same_successor_on_the_other()
    {
        var alice = await First.LoginAsync("alice");
        var held = alice.RefreshCookie!;
        var lost = await First.RefreshWithCookieAsync(held);

        var retry = await Second.RefreshWithCookieAsync(held);
        var next = await First.RefreshWithCookieAsync(RefreshRequests.RefreshCookieOf(retry));

        Assert.That(lost.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the retry lands on the other instance and still succeeds");
        Assert.That(RefreshRequests.RefreshCookieOf(retry), Is.EqualTo(RefreshRequests.RefreshCookieOf(lost)), "with the successor the first instance minted");
        Assert.That(next.StatusCode, Is.EqualTo(HttpStatusCode.OK), "which rotates normally");
    }

    [Test]
    public async Task A_refresh_on_one_instance_carries_a_user_change_saved_on_the_other_at_once()
    {
        // Arrange: carol signs in and refreshes on the first instance, which then holds her record; no Redis tells it of
        // changes made on the second.
        var userName = "carol" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = Second.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var created = await users.CreateAsync(new AppUser { UserName = userName, Email = userName + "@example.test", EmailConfirmed = true }, JwtMvcFactory.PasswordOf(userName));
            Assert.That(created.Succeeded, Is.True, () => string.Join(" ", created.Errors.Select(e => e.Description)));
            await users.AddToRoleAsync((await users.FindByNameAsync(userName))!, AppRoles.User);
        }

        var carol = await First.LoginAsync(userName);
        var before = await carol.RefreshAsync();
        var renamed = userName + "-renamed";
        await using (var scope = Second.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var changed = await users.SetUserNameAsync((await users.FindByNameAsync(userName))!, renamed);
            Assert.That(changed.Succeeded, Is.True, () => string.Join(" ", changed.Errors.Select(e => e.Description)));
        }

        // Act
        var after = await carol.RefreshAsync();

        // Assert
        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a rename does not end the session");
        Assert.That(NameIn(await before.Content.ReadFromJsonAsync<SessionBody>()), Is.EqualTo(userName));
        Assert.That(NameIn(await after.Content.ReadFromJsonAsync<SessionBody>()), Is.EqualTo(renamed),
            "the rotation sees the user's new version in the database and reads the record again, whatever this instance remembers");
    }

    [Test]
    public async Task A_logout_on_one_instance_is_seen_by_the_other_within_the_session_check_window()
    {
        var alice = await First.LoginAsync("alice");
        var onSecond = new SignedInClient(Second.CreateClient(), alice.AccessToken, new());
        Assert.That((await onSecond.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "cached as active on the second instance");

        var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Add("X-Requested-With", "XMLHttpRequest");
        await alice.Client.SendAsync(logout);
        First.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.That((await onSecond.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "after Jwt:SessionCheckSeconds the other instance refuses it");
    }

    /// <summary>A reset link mailed by one instance must work on whichever instance the click lands on: one Data Protection key ring in the database.</summary>
    [Test]
    public async Task A_password_reset_token_made_by_one_instance_validates_on_the_other()
    {
        string token;
        await using (var scope = First.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            token = await users.GeneratePasswordResetTokenAsync((await users.FindByNameAsync("bob"))!);
        }

        await using var other = Second.Services.CreateAsyncScope();
        var otherUsers = other.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var bob = (await otherUsers.FindByNameAsync("bob"))!;
        var valid = await otherUsers.VerifyUserTokenAsync(bob, otherUsers.Options.Tokens.PasswordResetTokenProvider, UserManager<AppUser>.ResetPasswordTokenPurpose, token);

        Assert.That(valid, Is.True, "the second instance reads the first's Data Protection keys from the shared database");
    }

    private static string? NameIn(SessionBody? body) => (string?)JwtForge.Decode(body!.AccessToken).Payload["name"];
}
