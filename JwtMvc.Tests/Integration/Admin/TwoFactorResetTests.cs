using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Security;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Admin;

/// <summary>POST /api/admin/users/{id}/reset-2fa and the twoFactorEnabled flag of the admin's user items.</summary>
public sealed class TwoFactorResetTests : AppFixture
{
    [Test]
    public async Task User_items_say_whether_two_factor_sign_in_is_on()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, _) = await Factory.NewUserAsync();

        var before = await admin.FindUserAsync(userName);
        await Factory.EnableTwoFactorAsync(user);
        var after = await admin.FindUserAsync(userName);
        var one = (await (await admin.GetAsync("/api/admin/users/" + after.Id)).Content.ReadFromJsonAsync<AdminUserBody>())!;

        Assert.That(before.TwoFactorEnabled, Is.False, "a new account has no second factor");
        Assert.That(after.TwoFactorEnabled, Is.True, "the list shows 2FA once the user turned it on");
        Assert.That(one.TwoFactorEnabled, Is.True, "and so does the single user");
    }

    [Test]
    public async Task Resetting_2fa_turns_it_off_ends_every_session_and_is_audited_and_recorded()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var signedInWithCode = await Factory.LoginWithCodeAsync(userName, password, key);
        var id = (await admin.FindUserAsync(userName)).Id;

        var reset = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{id}/reset-2fa");

        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await reset.Content.ReadAsStringAsync());
        Assert.That((await user.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the enrolling session ended at once");
        Assert.That((await signedInWithCode.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "so did the one started with a code");
        Assert.That((await admin.FindUserAsync(userName)).TwoFactorEnabled, Is.False);
        var login = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password });
        var body = (await login.Content.ReadFromJsonAsync<TwoFactorRequiredBody>())!;
        Assert.That(body.TwoFactorRequired, Is.False, "the password alone signs in again");
        Assert.That(body.AccessToken, Is.Not.Null.And.Not.Empty);
        var audit = await admin.AuditOfAsync(id);
        Assert.That(audit[0].Action, Is.EqualTo(AuditActions.TwoFactorReset), "the newest audit entry is the reset");
        Assert.That(audit[0].Actor, Is.EqualTo("admin"));
        Assert.That(audit[0].Detail, Is.EqualTo("authenticator app and recovery codes removed; 2 sessions revoked"));
        var events = await admin.SecurityEventsAsync(SecurityEventTypes.TwoFactor, id);
        Assert.That(events[0].Detail, Is.EqualTo("reset by admin admin; authenticator removed"), "the newest 2FA event of the user is the reset");
    }

    [Test]
    public async Task After_a_reset_the_user_can_enrol_a_new_authenticator()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, password) = await Factory.NewUserAsync();
        await Factory.EnableTwoFactorAsync(user);
        var id = (await admin.FindUserAsync(userName)).Id;
        await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{id}/reset-2fa");

        var again = await Factory.LoginAsync(userName, password);
        var status = (await (await again.GetAsync("/api/account/2fa")).Content.ReadFromJsonAsync<TwoFactorStatusBody>())!;
        var (key, codes) = await Factory.EnableTwoFactorAsync(again);

        Assert.That(status, Is.EqualTo(new TwoFactorStatusBody(false, 0)), "no authenticator and no recovery codes left");
        Assert.That(codes, Has.Length.EqualTo(10));
        Assert.That((await Factory.LoginWithCodeAsync(userName, password, key)).AccessToken, Is.Not.Empty, "the new authenticator works");
    }

    [Test]
    public async Task Resetting_a_user_without_2fa_is_204_and_still_ends_their_sessions()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, _) = await Factory.NewUserAsync();
        var id = (await admin.FindUserAsync(userName)).Id;

        var reset = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{id}/reset-2fa");

        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await user.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await admin.AuditOfAsync(id))[0].Detail, Does.StartWith("two-factor sign-in was off; ").And.EndWith(" revoked"));
    }
}
