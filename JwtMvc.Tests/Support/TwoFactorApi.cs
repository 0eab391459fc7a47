using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using JwtMvc.Core.Auth.TwoFactor;

namespace JwtMvc.Tests.Support;

/// <summary>Enrolment and codes as an authenticator app would compute them, from the fake clock.</summary>
public static class TwoFactorApi
{
    private static int s_users;

    /// <summary>Registers a new user (so tests sharing an app do not share 2FA state) and signs them in.</summary>
    public static async Task<(SignedInClient Client, string UserName, string Password)> NewUserAsync(this JwtMvcFactory factory)
    {
        var userName = $"mfa{Interlocked.Increment(ref s_users)}x{Guid.NewGuid():N}"[..20];
        const string password = "Secret#12345";
        var register = await factory.CreateClient().PostAsJsonAsync("/api/account/register", new { userName, email = userName + "@example.test", password });
        Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.Created), await register.Content.ReadAsStringAsync());
        return (await factory.LoginAsync(userName, password), userName, password);
    }

    /// <summary>Sets up an authenticator and turns 2FA on; returns the shared key and the recovery codes.</summary>
    public static async Task<(string SharedKey, string[] RecoveryCodes)> EnableTwoFactorAsync(this JwtMvcFactory factory, SignedInClient client)
    {
        var setup = await client.SendAsync(HttpMethod.Post, "/api/account/2fa/authenticator");
        Assert.That(setup.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var authenticator = (await setup.Content.ReadFromJsonAsync<AuthenticatorBody>())!;
        var enable = await client.SendAsync(HttpMethod.Post, "/api/account/2fa/enable", new { code = factory.CurrentCode(authenticator.SharedKey) });
        Assert.That(enable.StatusCode, Is.EqualTo(HttpStatusCode.OK), await enable.Content.ReadAsStringAsync());
        var codes = (await enable.Content.ReadFromJsonAsync<RecoveryCodesBody>())!;
        factory.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds)); // the enrolment code's step is used up
        return (authenticator.SharedKey, codes.RecoveryCodes);
    }

    public static string CurrentCode(this JwtMvcFactory factory, string sharedKey, int stepsAway = 0) =>
        Totp.Compute(Base32.Decode(sharedKey)!, Totp.TimeStep(factory.Clock.GetUtcNow()) + stepsAway);

    /// <summary>Both steps of a sign-in with an authenticator code; the code's time step is used up afterwards.</summary>
    public static async Task<SignedInClient> LoginWithCodeAsync(this JwtMvcFactory factory, string userName, string password, string sharedKey)
    {
        var browser = factory.CreateBrowserClient(out var cookies);
        var mfaToken = await browser.PasswordStepAsync(userName, password);
        var response = await browser.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, code = factory.CurrentCode(sharedKey) });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        factory.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        return new SignedInClient(browser, (await response.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken, cookies);
    }

    /// <summary>POST /api/auth/login expecting the two-factor answer; returns the mfaToken.</summary>
    public static async Task<string> PasswordStepAsync(this HttpClient client, string userName, string password)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.Contains("Set-Cookie"), Is.False, "no cookie before the second factor");
        var body = (await response.Content.ReadFromJsonAsync<TwoFactorRequiredBody>())!;
        Assert.That(body.TwoFactorRequired, Is.True);
        return body.MfaToken;
    }
}

public sealed record AuthenticatorBody(string SharedKey, string AuthenticatorUri, string QrCode);

public sealed record RecoveryCodesBody(string[] RecoveryCodes);

public sealed record TwoFactorStatusBody(bool Enabled, int RecoveryCodesLeft);

public sealed record TwoFactorRequiredBody(bool TwoFactorRequired, string MfaToken, string[] Methods, string? AccessToken);

public sealed record MfaRequiredBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription,
    [property: JsonPropertyName("mfa_token")] string MfaToken);
