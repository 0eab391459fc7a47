using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Security;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Security;

/// <summary>Security events recorded where two-factor changes and admin password changes happen, read back through the admin API.</summary>
public sealed class TwoFactorEventRecordingTests : AppFixture
{
    [Test]
    public async Task Enabling_regenerating_using_a_recovery_code_and_disabling_2fa_are_each_recorded_without_a_code()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, password) = await Factory.NewUserAsync();
        var userId = (await admin.FindUserAsync(userName)).Id;
        await Factory.EnableTwoFactorAsync(user);
        var regenerated = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/recovery-codes", new { password });
        var codes = (await regenerated.Content.ReadFromJsonAsync<RecoveryCodesBody>())!.RecoveryCodes;
        var browser = Factory.CreateBrowserClient(out var cookies);
        var mfaToken = await browser.PasswordStepAsync(userName, password);
        var signIn = await browser.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, recoveryCode = codes[0] });
        var withRecovery = new SignedInClient(browser, (await signIn.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken, cookies);
        var disabled = await withRecovery.SendAsync(HttpMethod.Post, "/api/account/2fa/disable", new { password });

        var events = await admin.SecurityEventsAsync(SecurityEventTypes.TwoFactor, userId);

        Assert.That(disabled.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(events.Select(e => e.Detail), Is.EqualTo(new[]
        {
            TwoFactorEvents.Disabled,
            TwoFactorEvents.RecoveryCodeUsed,
            TwoFactorEvents.RecoveryCodesRegenerated,
            TwoFactorEvents.Enabled,
        }), "newest first, one event per change");
        Assert.That(events.Select(e => e.UserName).Distinct(), Is.EqualTo(new[] { userName }));
        Assert.That(events.Any(e => codes.Any(c => e.Detail!.Contains(c, StringComparison.OrdinalIgnoreCase))), Is.False, "no recovery code in a detail");
    }

    [Test]
    public async Task A_sign_in_with_a_second_factor_is_recorded_as_a_sign_in_and_a_wrong_code_as_a_failure()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, password) = await Factory.NewUserAsync();
        var userId = (await admin.FindUserAsync(userName)).Id;
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var mfaToken = await Factory.CreateClient().PasswordStepAsync(userName, password);
        var wrong = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = Factory.CurrentCode(key, 3) });

        await Factory.LoginWithCodeAsync(userName, password, key);

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var failures = await admin.SecurityEventsAsync(SecurityEventTypes.SignInFailed, userId);
        Assert.That(failures.Select(e => e.Detail), Is.EqualTo(new[] { "wrong second factor" }));
        var signIns = await admin.SecurityEventsAsync(SecurityEventTypes.SignIn, userId);
        Assert.That(signIns[0].Detail, Is.EqualTo("with authenticator code"), "the completed two-step sign-in is a sign-in");
    }

    [Test]
    public async Task A_password_set_by_an_admin_is_recorded_without_the_password()
    {
        var admin = await Factory.LoginAsync("admin");
        var bob = await admin.CreateUserAsync(AdminApi.NewUserName("bob"));

        var reset = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{bob.Id}/reset-password", new { newPassword = "Chosen#Secret1" });

        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var events = await admin.SecurityEventsAsync(SecurityEventTypes.PasswordChanged, bob.Id);
        Assert.That(events.Select(e => e.Detail), Is.EqualTo(new[] { "set by admin admin" }));
    }

    [Test]
    public async Task An_email_changed_by_an_admin_is_recorded_with_both_addresses()
    {
        var admin = await Factory.LoginAsync("admin");
        var carol = await admin.CreateUserAsync(AdminApi.NewUserName("carol"));

        await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{carol.Id}", new { displayName = "Carol", email = carol.Email });
        await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{carol.Id}", new { displayName = "Carol", email = "carol.new@example.test" });

        var events = await admin.SecurityEventsAsync(SecurityEventTypes.EmailChanged, carol.Id);
        Assert.That(events.Select(e => e.Detail), Is.EqualTo(new[] { $"by admin admin: {carol.Email} -> carol.new@example.test" }),
            "only the change of address is an event, not the display name");
    }
}

/// <summary>Signing-key events in key-ring mode: the first key, an admin's rotation, a revocation.</summary>
public sealed class KeyEventRecordingTests : KeyRingAppFixture
{
    [Test]
    public async Task The_first_key_is_recorded_when_the_ring_creates_it()
    {
        var admin = await Factory.LoginAsync("admin");

        var events = await admin.SecurityEventsAsync(SecurityEventTypes.KeyRotated);

        Assert.That(events.Select(e => e.Detail), Has.Some.EndsWith(": created as the first key, signs now"));
    }

    [Test]
    public async Task Rotating_is_recorded_as_key_rotated_and_revoking_as_key_revoked_each_naming_the_kid()
    {
        var admin = await Factory.LoginAsync("admin");

        var rotated = (await (await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/rotate")).Content.ReadFromJsonAsync<KeyBody>())!;
        admin = await Factory.LoginAsync("admin"); // the old token's key is about to be revoked
        var list = (await (await admin.GetAsync("/api/admin/keys")).Content.ReadFromJsonAsync<KeyListBody>())!;
        var retired = list.Items.First(k => k.Status == "retired");
        var revoke = await admin.SendAsync(HttpMethod.Post, $"/api/admin/keys/{retired.Kid}/revoke");

        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var rotations = await admin.SecurityEventsAsync(SecurityEventTypes.KeyRotated);
        Assert.That(rotations[0].Detail, Is.EqualTo($"kid {rotated.Kid}: rotated by admin admin, signs now"));
        var revocations = await admin.SecurityEventsAsync(SecurityEventTypes.KeyRevoked);
        Assert.That(revocations.Select(e => e.Detail), Is.EqualTo(new[] { $"kid {retired.Kid}: revoked by admin admin" }));
    }
}
