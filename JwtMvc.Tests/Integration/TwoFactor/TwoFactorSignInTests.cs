using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.TwoFactor;

/// <summary>TOTP enrolment, the two-step sign-in, the token endpoint's mfa grant, and amr on the tokens.</summary>
public sealed class TwoFactorSignInTests : AppFixture
{
    private static string[] Amr(string accessToken) =>
        [.. JwtForge.Decode(accessToken).Payload["amr"]!.AsArray().Select(v => v!.GetValue<string>())];

    [Test]
    public async Task A_password_sign_in_has_amr_pwd_as_a_json_array_kept_across_refresh()
    {
        var alice = await Factory.LoginAsync("alice");

        Assert.That(JwtForge.Decode(alice.AccessToken).Payload["amr"], Is.InstanceOf<JsonArray>(), "amr is always an array");
        Assert.That(Amr(alice.AccessToken), Is.EqualTo(new[] { "pwd" }));
        var refreshed = (await (await alice.RefreshAsync()).Content.ReadFromJsonAsync<SessionBody>())!;
        Assert.That(Amr(refreshed.AccessToken), Is.EqualTo(new[] { "pwd" }));
    }

    [Test]
    public async Task Enrolment_gives_an_otpauth_uri_a_qr_code_and_ten_recovery_codes()
    {
        var (user, userName, _) = await Factory.NewUserAsync();

        var setup = (await (await user.SendAsync(HttpMethod.Post, "/api/account/2fa/authenticator")).Content.ReadFromJsonAsync<AuthenticatorBody>())!;
        var again = (await (await user.SendAsync(HttpMethod.Post, "/api/account/2fa/authenticator")).Content.ReadFromJsonAsync<AuthenticatorBody>())!;

        Assert.That(setup.AuthenticatorUri, Does.StartWith($"otpauth://totp/JwtMvc:{userName}?secret=").And.EndWith("&issuer=JwtMvc&digits=6&period=30"));
        Assert.That(setup.QrCode, Does.StartWith("data:image/svg+xml;base64,"));
        Assert.That(again.SharedKey, Is.Not.EqualTo(setup.SharedKey), "a new key each call until enabled");
        var enable = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/enable", new { code = Factory.CurrentCode(again.SharedKey) });
        Assert.That(enable.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await enable.Content.ReadFromJsonAsync<RecoveryCodesBody>())!.RecoveryCodes, Has.Length.EqualTo(10).And.Unique);
        var status = (await (await user.GetAsync("/api/account/2fa")).Content.ReadFromJsonAsync<TwoFactorStatusBody>())!;
        Assert.That(status, Is.EqualTo(new TwoFactorStatusBody(true, 10)));
        Assert.That((await user.SendAsync(HttpMethod.Post, "/api/account/2fa/authenticator")).StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
    }

    [Test]
    public async Task A_wrong_enrolment_code_is_a_400_and_leaves_2fa_off()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        var setup = (await (await user.SendAsync(HttpMethod.Post, "/api/account/2fa/authenticator")).Content.ReadFromJsonAsync<AuthenticatorBody>())!;

        foreach (var code in new[] { Factory.CurrentCode(setup.SharedKey, 2), "12a456", "1234567" })
        {
            var response = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/enable", new { code });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), code);
        }

        Assert.That((await (await user.GetAsync("/api/account/2fa")).Content.ReadFromJsonAsync<TwoFactorStatusBody>())!.Enabled, Is.False);
    }

    [Test]
    public async Task Password_then_code_signs_in_with_amr_pwd_otp_mfa_and_no_token_before_the_code()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var browser = Factory.CreateBrowserClient(out var cookies);

        var mfaToken = await browser.PasswordStepAsync(userName, password);
        var response = await browser.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = Factory.CurrentCode(key) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = (await response.Content.ReadFromJsonAsync<SessionBody>())!;
        Assert.That(Amr(body.AccessToken), Is.EqualTo(new[] { "pwd", "otp", "mfa" }));
        var signedIn = new SignedInClient(browser, body.AccessToken, cookies);
        Assert.That(signedIn.RefreshCookie, Is.Not.Null, "the second step sets the cookie");
        var refreshed = (await (await signedIn.RefreshAsync()).Content.ReadFromJsonAsync<SessionBody>())!;
        Assert.That(Amr(refreshed.AccessToken), Is.EqualTo(new[] { "pwd", "otp", "mfa" }), "amr is kept across refreshes");
    }

    [Test]
    public async Task A_code_is_refused_the_second_time_and_an_mfa_token_works_once()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();
        var code = Factory.CurrentCode(key);
        var firstToken = await client.PasswordStepAsync(userName, password);
        Assert.That((await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = firstToken, code })).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var secondToken = await client.PasswordStepAsync(userName, password);
        var replayedCode = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = secondToken, code });
        Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var usedToken = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = firstToken, code = Factory.CurrentCode(key) });

        Assert.That(replayedCode.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a code works once, even inside its window");
        Assert.That(usedToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an mfaToken works once");
    }

    [Test]
    public async Task An_mfa_token_expires_after_five_minutes()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();
        var mfaToken = await client.PasswordStepAsync(userName, password);

        Factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var response = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = Factory.CurrentCode(key) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("12345a")]
    [TestCase("1234567")]
    public async Task A_malformed_code_is_a_400(string code)
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();
        var mfaToken = await client.PasswordStepAsync(userName, password);

        var response = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Five_wrong_codes_lock_the_account()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();
        var mfaToken = await client.PasswordStepAsync(userName, password);
        var wrong = Factory.CurrentCode(key, 5);
        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = wrong })).StatusCode);
        }

        var right = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = Factory.CurrentCode(key) });

        Assert.That(statuses.Take(4), Has.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(statuses[4], Is.EqualTo(HttpStatusCode.Locked), "the fifth wrong code locks the account");
        Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.Locked), "a right code does not get past the lockout");
        Factory.Clock.Advance(TimeSpan.FromMinutes(6));
    }

    [Test]
    public async Task Signing_in_again_with_the_password_does_not_wipe_the_wrong_codes()
    {
        // Arrange: four wrong codes, one short of the lockout.
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();
        var first = await client.PasswordStepAsync(userName, password);
        var wrong = Factory.CurrentCode(key, 5);
        for (var attempt = 0; attempt < 4; attempt++)
        {
            Assert.That((await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = first, code = wrong })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"wrong code {attempt + 1}");
        }

        // Act: the right password again, and a fifth wrong code under the new mfaToken.
        var second = await client.PasswordStepAsync(userName, password);
        var fifth = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = second, code = wrong });

        // Assert
        Assert.That(fifth.StatusCode, Is.EqualTo(HttpStatusCode.Locked), "the password step does not reset the count of wrong codes");
        Factory.Clock.Advance(TimeSpan.FromMinutes(6));
    }

    [Test]
    public async Task A_right_code_resets_the_count_of_wrong_ones()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();
        for (var round = 0; round < 2; round++)
        {
            Factory.Clock.Advance(TimeSpan.FromSeconds(30)); // a new time step: a code is accepted once per step
            var wrong = Factory.CurrentCode(key, 5);
            var mfaToken = await client.PasswordStepAsync(userName, password);
            for (var attempt = 0; attempt < 4; attempt++)
            {
                Assert.That((await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = wrong })).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"round {round}, wrong code {attempt + 1}");
            }

            Assert.That((await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = Factory.CurrentCode(key) })).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"round {round}: the right code");
        }
    }

    [Test]
    public async Task A_recovery_code_signs_in_once()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (_, codes) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();

        var first = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = await client.PasswordStepAsync(userName, password), recoveryCode = codes[3] });
        var again = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = await client.PasswordStepAsync(userName, password), recoveryCode = codes[3] });

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(Amr((await first.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken), Is.EqualTo(new[] { "pwd", "otp", "mfa" }));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await (await user.GetAsync("/api/account/2fa")).Content.ReadFromJsonAsync<TwoFactorStatusBody>())!.RecoveryCodesLeft, Is.EqualTo(9));
    }

    [Test]
    public async Task The_token_endpoint_answers_mfa_required_then_accepts_the_mfa_otp_grant()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (key, _) = await Factory.EnableTwoFactorAsync(user);
        var client = Factory.CreateClient();

        var passwordGrant = await client.PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = userName, ["password"] = password,
        }));
        Assert.That(passwordGrant.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var required = (await passwordGrant.Content.ReadFromJsonAsync<MfaRequiredBody>())!;
        Assert.That(required.Error, Is.EqualTo("mfa_required"));

        var mfaGrant = await client.PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "urn:jwtmvc:params:oauth:grant-type:mfa-otp", ["mfa_token"] = required.MfaToken, ["otp"] = Factory.CurrentCode(key),
        }));

        Assert.That(mfaGrant.StatusCode, Is.EqualTo(HttpStatusCode.OK), await mfaGrant.Content.ReadAsStringAsync());
        var tokens = (await mfaGrant.Content.ReadFromJsonAsync<OAuthTokenBody>())!;
        Assert.That(Amr(tokens.AccessToken), Is.EqualTo(new[] { "pwd", "otp", "mfa" }));
    }

    [Test]
    public async Task New_recovery_codes_and_disabling_need_the_password()
    {
        var (user, userName, password) = await Factory.NewUserAsync();
        var (_, oldCodes) = await Factory.EnableTwoFactorAsync(user);

        var wrong = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/recovery-codes", new { password = "wrong-password" });
        var renewed = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/recovery-codes", new { password });
        var client = Factory.CreateClient();
        var oldCode = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = await client.PasswordStepAsync(userName, password), recoveryCode = oldCodes[0] });
        var wrongDisable = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/disable", new { password = "wrong-password" });
        var disable = await user.SendAsync(HttpMethod.Post, "/api/account/2fa/disable", new { password });
        var plainLogin = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await renewed.Content.ReadFromJsonAsync<RecoveryCodesBody>())!.RecoveryCodes, Has.Length.EqualTo(10));
        Assert.That(oldCode.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "old recovery codes are void");
        Assert.That(wrongDisable.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(disable.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await plainLogin.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken, Is.Not.Null, "after disable the password is enough");
    }

    [Test]
    public async Task Recovery_codes_are_not_stored_in_plain_text()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        var (_, codes) = await Factory.EnableTwoFactorAsync(user);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var stored = await db.UserTokens.Where(t => t.Name == "RecoveryCodes").Select(t => t.Value).ToListAsync();

        Assert.That(stored, Is.Not.Empty);
        Assert.That(stored, Has.None.Contains(codes[0]));
    }
}
