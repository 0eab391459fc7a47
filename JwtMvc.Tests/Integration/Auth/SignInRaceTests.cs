using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Auth;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// A change that must end a user's sign-ins (an admin's lock or "revoke sessions", a new password, the user signing out everywhere else) commits and then revokes the sessions it
/// finds. A sign-in that checked the old credentials before the change, and stores its session after that revocation,
/// must not be left with a live session.
/// </summary>
public sealed class SignInRaceTests
{
    public enum Change
    {
        AdminLock,
        NewPassword,
        AdminRevokesSessions,
        UserSignsOutOthers,
        AdminDeletesUser,
    }

    [TestCase(Change.AdminLock)]
    [TestCase(Change.NewPassword)]
    [TestCase(Change.AdminRevokesSessions)]
    [TestCase(Change.UserSignsOutOthers)]
    [TestCase(Change.AdminDeletesUser)]
    public async Task A_sign_in_whose_user_changed_after_the_password_check_gets_no_session(Change change)
    {
        // Arrange: a sign-in that has checked the password and is about to store its session.
        var pause = new Pause();
        using var factory = new JwtMvcFactory
        {
            TestServices = services => services.AddScoped<IUserDirectory>(
                provider => new PausingDirectory(ActivatorUtilities.CreateInstance<UserDirectory>(provider), pause)),
        };
        var (owner, userName, password) = await factory.NewUserAsync();
        var userId = JwtForge.Decode(owner.AccessToken).Payload["sub"]!.GetValue<string>();
        var admin = await factory.LoginAsync("admin");
        var browser = factory.CreateBrowserClient(out _);
        pause.Arm();
        var signingIn = browser.PostAsJsonAsync("/api/auth/login", new { userName, password });
        await pause.Paused.WaitAsync(TimeSpan.FromSeconds(20));

        // Act: the change commits and revokes the user's sessions; then the sign-in goes on.
        var changed = change switch
        {
            Change.AdminLock => await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{userId}/lock", new { }),
            Change.AdminRevokesSessions => await admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{userId}/sessions"),
            Change.UserSignsOutOthers => await owner.SendAsync(HttpMethod.Post, "/api/account/sessions/revoke-others"),
            Change.AdminDeletesUser => await admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{userId}"),
            _ => await owner.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = password, newPassword = "Changed#12345" }),
        };
        pause.Release();
        var signedIn = await signingIn.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.That(changed.IsSuccessStatusCode, Is.True, await changed.Content.ReadAsStringAsync());
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the credentials it checked are no longer the user's");
        if (change == Change.AdminDeletesUser)
        {
            return; // its sessions went with the row; what matters is the 401, not a 500 from the refused insert
        }

        var expected = change is Change.NewPassword or Change.UserSignsOutOthers ? 1 : 0; // the owner's own session stays
        Assert.That(await admin.SessionsOfAsync(userId), Has.Length.EqualTo(expected), "no session of the sign-in is left active");
    }

    [Test]
    public async Task An_mfa_token_from_before_a_password_change_is_refused_and_keeps_the_recovery_code()
    {
        using var factory = new JwtMvcFactory();
        var (owner, userName, password) = await factory.NewUserAsync();
        var (_, codes) = await factory.EnableTwoFactorAsync(owner);
        var client = factory.CreateClient();
        var mfaToken = await client.PasswordStepAsync(userName, password);

        var changed = await owner.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = password, newPassword = "Changed#12345" });
        var secondStep = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, recoveryCode = codes[0] });

        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(secondStep.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the password step it finishes was made with the old password");
        var status = (await (await owner.GetAsync("/api/account/2fa")).Content.ReadFromJsonAsync<TwoFactorStatusBody>())!;
        Assert.That(status.RecoveryCodesLeft, Is.EqualTo(10), "the refused step used no recovery code");
    }

    private sealed class PausingDirectory(IUserDirectory inner, Pause pause) : IUserDirectory
    {
        public async Task<PasswordCheck> CheckPasswordAsync(string userNameOrEmail, string password, CancellationToken cancellationToken)
        {
            var check = await inner.CheckPasswordAsync(userNameOrEmail, password, cancellationToken);
            await pause.WaitIfArmedAsync();
            return check;
        }

        public Task<Core.Validation.ValidationOutcome> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken cancellationToken) =>
            inner.ChangePasswordAsync(userId, currentPassword, newPassword, cancellationToken);

        public Task<Core.Validation.ValidationOutcome<AuthUser>> RegisterAsync(string userName, string email, string password, CancellationToken cancellationToken) =>
            inner.RegisterAsync(userName, email, password, cancellationToken);
    }
}
