using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
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
        var answered = await AnsweredAsync(request);

        // Assert: the change's request ends without its answer; the other session ends all the same.
        Assert.That(answered, Is.False, "arranged: the client went away before the answer");
        var ended = await ClusterFixture.EventuallyAsync(
            async () => (await other.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10));
        Assert.That(ended, Is.True, "the other session must end though the change's client went away");
        Assert.That((await other.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "nor can it be refreshed");
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

    private static async Task<bool> AnsweredAsync(Task<HttpResponseMessage> request)
    {
        try
        {
            using var response = await request;
            return true;
        }
        catch (Exception aborted) when (aborted is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }
}
