using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Security;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// A change that must end a user's sessions commits first and revokes them after. A client that goes away in between
/// (its request aborted, so its cancellation token fires) must not leave the sessions usable.
/// </summary>
public sealed class ClientGoneTests
{
    public enum Change
    {
        NewPassword,
        TwoFactorTurnedOn,
        AdminLock,
        AdminRevokesSessions,
        AdminResetsTwoFactor,
        UserSignsOutOthers,
    }

    [TestCase(Change.NewPassword)]
    [TestCase(Change.TwoFactorTurnedOn)]
    [TestCase(Change.AdminLock)]
    [TestCase(Change.AdminRevokesSessions)]
    [TestCase(Change.AdminResetsTwoFactor)]
    [TestCase(Change.UserSignsOutOthers)]
    public async Task A_change_that_committed_ends_the_sessions_though_its_client_went_away(Change change)
    {
        // Arrange: the request is aborted the moment the change has committed.
        using var factory = new JwtMvcFactory { TestServices = services => AbortAfterCommit(services, change) };
        var (owner, userName, password) = await factory.NewUserAsync();
        var other = await factory.LoginAsync(userName, password);
        var userId = JwtForge.Decode(owner.AccessToken).Payload["sub"]!.GetValue<string>();
        var admin = await factory.LoginAsync("admin");
        var request = change switch
        {
            Change.NewPassword => owner.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = password, newPassword = "Changed#12345" }),
            Change.TwoFactorTurnedOn => TurnOnTwoFactorAsync(factory, owner),
            Change.AdminLock => admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{userId}/lock", new { }),
            Change.AdminRevokesSessions => admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{userId}/sessions"),
            Change.AdminResetsTwoFactor => admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{userId}/reset-2fa"),
            _ => owner.SendAsync(HttpMethod.Post, "/api/account/sessions/revoke-others"),
        };

        // Act
        var answered = await request.AnsweredAsync();

        // Assert: the change's request ends without its answer; the other session ends all the same.
        Assert.That(answered, Is.False, "arranged: the client went away before the answer");
        var ended = await ClusterFixture.EventuallyAsync(
            async () => (await other.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10));
        Assert.That(ended, Is.True, "the other session must end though the change's client went away");
        Assert.That((await other.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "nor can it be refreshed");
    }

    [Test]
    public async Task A_reset_of_two_factor_whose_event_log_fails_still_ends_the_sessions()
    {
        // Arrange: from the reset on, every security event fails to be recorded.
        var eventLogDown = false;
        using var factory = new JwtMvcFactory
        {
            TestServices = services => services.RunAfter<ISecurityEventLog, SecurityEventLog>(
                nameof(ISecurityEventLog.RecordAsync),
                _ => Volatile.Read(ref eventLogDown) ? Task.FromException(new InvalidOperationException("event log down")) : Task.CompletedTask),
        };
        var (user, _, _) = await factory.NewUserAsync();
        await factory.EnableTwoFactorAsync(user);
        var admin = await factory.LoginAsync("admin");
        var userId = JwtForge.Decode(user.AccessToken).Payload["sub"]!.GetValue<string>();
        Volatile.Write(ref eventLogDown, true);

        // Act
        var reset = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{userId}/reset-2fa");

        // Assert: the failure shows, and the sessions ended before it.
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError), "arranged: the event log failed");
        Assert.That((await user.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the user's session ended");
        Assert.That((await user.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_sign_in_whose_client_went_away_once_its_session_started_is_recorded_all_the_same()
    {
        // Arrange: the request is aborted once the session is stored and the limit kept.
        var clientLeaves = false;
        using var factory = new JwtMvcFactory
        {
            TestServices = services => services.AbortRequestAfter<ISessionStore, SessionStore>(
                nameof(ISessionStore.RevokeSessionsBeyondAsync), () => Volatile.Read(ref clientLeaves)),
        };
        var admin = await factory.LoginAsync("admin");
        var alice = await admin.FindUserAsync("alice");
        Volatile.Write(ref clientLeaves, true);

        // Act
        var answered = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "alice", password = "Alice#12345" }).AnsweredAsync();

        // Assert
        Assert.That(answered, Is.False, "arranged: the client went away before the answer");
        var recorded = await ClusterFixture.EventuallyAsync(
            async () => (await admin.SecurityEventsAsync(SecurityEventTypes.SignIn, alice.Id)).Length == 1,
            TimeSpan.FromSeconds(10));
        Assert.That(recorded, Is.True, "a session was started: the sign-in is on the record");
    }

    private static void AbortAfterCommit(IServiceCollection services, Change change)
    {
        _ = change switch
        {
            Change.NewPassword => services.AbortRequestAfter<IUserDirectory, UserDirectory>(nameof(IUserDirectory.ChangePasswordAsync)),
            Change.TwoFactorTurnedOn => services.AbortRequestAfter<ITwoFactorStore, TwoFactorStore>(nameof(ITwoFactorStore.EnableAsync)),
            Change.AdminLock => services.AbortRequestAfter<IUserAdministration, UserAdministration>(nameof(IUserAdministration.LockAsync)),
            Change.AdminResetsTwoFactor => services.AbortRequestAfter<IPasskeyStore, PasskeyStore>(nameof(IPasskeyStore.RemoveAllAsync)),
            _ => services.AbortRequestAfter<IUserAdministration, UserAdministration>(nameof(IUserAdministration.RenewSecurityStampAsync)),
        };
    }

    private static async Task<HttpResponseMessage> TurnOnTwoFactorAsync(JwtMvcFactory factory, SignedInClient owner)
    {
        var setup = await owner.SendAsync(HttpMethod.Post, "/api/account/2fa/authenticator");
        var authenticator = (await setup.Content.ReadFromJsonAsync<AuthenticatorBody>())!;
        return await owner.SendAsync(HttpMethod.Post, "/api/account/2fa/enable", new { code = factory.CurrentCode(authenticator.SharedKey) });
    }
}
