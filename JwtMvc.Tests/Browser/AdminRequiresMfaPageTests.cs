using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Tests.Browser.Support;
using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// The admin pages with <c>Authorization:AdminRequiresMfa</c> on (their own server): an admin signed in with the
/// password alone is refused as a non-admin is, and told why; with password and code the pages work.
/// </summary>
[Category("Browser")]
public sealed class AdminRequiresMfaPageTests : BrowserTest
{
    private const string PasswordOnlyAdminPassword = "Strong#12345";

    private BrowserTestServer mfaServer = null!;
    private string adminKey = null!;
    private string passwordOnlyAdmin = null!;

    // The server runs on the real clock; enrolment uses the current step, the page's sign-in the next one.
    private static string Code(string sharedKey, int stepsAhead) =>
        Totp.Compute(Base32.Decode(sharedKey)!, Totp.TimeStep(DateTimeOffset.UtcNow) + stepsAhead);

    [OneTimeSetUp]
    public async Task StartServerAndEnrolTheAdminAsync()
    {
        mfaServer = await BrowserTestServer.StartAsync(extraSettings: new Dictionary<string, string> { ["Authorization:AdminRequiresMfa"] = "true" });
        using var client = mfaServer.CreateApiClient();
        var passwordToken = await PasswordTokenAsync(client, "admin", "Admin#12345");
        using var setup = Authorized(HttpMethod.Post, "/api/account/2fa/authenticator", passwordToken);
        adminKey = (await (await client.SendAsync(setup)).Content.ReadFromJsonAsync<AuthenticatorBody>())!.SharedKey;
        using var enable = Authorized(HttpMethod.Post, "/api/account/2fa/enable", passwordToken, new { code = Code(adminKey, 0) });
        var recoveryCodes = (await (await client.SendAsync(enable)).Content.ReadFromJsonAsync<RecoveryCodesBody>())!.RecoveryCodes;

        // With a recovery code (the next authenticator step is the page's): an admin token with mfa, to create an
        // admin who has no second factor.
        var mfaToken = (await (await client.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = "Admin#12345" }))
            .Content.ReadFromJsonAsync<TwoFactorRequiredBody>())!.MfaToken;
        var withRecovery = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, recoveryCode = recoveryCodes[0] });
        var mfaAdminToken = (await withRecovery.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
        passwordOnlyAdmin = "pwdadmin" + Guid.NewGuid().ToString("N")[..6];
        using var create = Authorized(HttpMethod.Post, "/api/admin/users", mfaAdminToken, new
        {
            userName = passwordOnlyAdmin,
            email = passwordOnlyAdmin + "@example.test",
            password = PasswordOnlyAdminPassword,
            roles = new[] { "Admin" },
        });
        Assert.That((await client.SendAsync(create)).StatusCode, Is.EqualTo(HttpStatusCode.Created), "creating an admin without 2FA");
    }

    [OneTimeTearDown]
    public async Task StopServerAsync() => await mfaServer.DisposeAsync();

    [Test]
    public async Task An_admin_signed_in_with_the_password_alone_is_told_every_admin_page_needs_a_second_factor()
    {
        await using var context = await BrowserSetUp.NewContextAsync(mfaServer.BaseUrl);
        var page = await context.Context.NewPageAsync();
        await SignInAsync(page, passwordOnlyAdmin, PasswordOnlyAdminPassword, "/admin/users");

        foreach (var (path, alert, app) in new[]
        {
            ("/admin/users", "#admin-forbidden", "#admin-app"),
            ("/admin/keys", "#keys-forbidden", null),
            ("/admin/security", "#security-forbidden", "#security-app"),
        })
        {
            await page.GotoAsync(path);
            var shown = page.Locator($"{alert}[data-reason=mfa_required]:not(.d-none)");
            await shown.WaitForAsync();

            Assert.That(await shown.TextContentAsync(), Does.Contain("second factor"), path + " says what is missing");
            if (app is not null)
            {
                Assert.That(await page.Locator(app).GetAttributeAsync("class"), Does.Contain("d-none"), path + " shows no data, as for a non-admin");
            }
        }
    }

    [Test]
    public async Task An_admin_signed_in_with_password_and_code_gets_the_users_page()
    {
        await using var context = await BrowserSetUp.NewContextAsync(mfaServer.BaseUrl);
        var page = await context.Context.NewPageAsync();
        await page.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString("/admin/users"));
        await page.FillAsync("input[name=userName]", "admin");
        await page.FillAsync("input[name=password]", "Admin#12345");
        await page.ClickAsync("button[type=submit]");
        var code = page.Locator("input[name=code]");
        await code.WaitForAsync();
        await code.FillAsync(Code(adminKey, 1));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/admin/users");

        await page.Locator("#users-table tbody tr").First.WaitForAsync();

        Assert.That(await page.Locator("#admin-forbidden").IsVisibleAsync(), Is.False, "amr holds mfa: the page works");
        Assert.That(await page.Locator("#users-table tbody tr td[data-field=userName]:text-is('admin') ~ td[data-field=twoFactor]").TextContentAsync(),
            Is.EqualTo("On"), "and shows the admin's own 2FA");
    }

    private static async Task<string> PasswordTokenAsync(HttpClient client, string userName, string password)
    {
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await login.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string url, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }
}
