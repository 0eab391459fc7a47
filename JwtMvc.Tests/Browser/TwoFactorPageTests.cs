using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

[Category("Browser")]
public sealed class TwoFactorPageTests : BrowserTest
{
    // The server runs on the real clock. Enrolment uses the current step's code and sign-in the next step's: both
    // inside the one-step drift window, and the second later than the first, as single use requires, with no wait.
    private static string Code(string sharedKey, int stepsAhead) =>
        Totp.Compute(Base32.Decode(sharedKey)!, Totp.TimeStep(DateTimeOffset.UtcNow) + stepsAhead);

    [Test]
    public async Task Enrol_sign_out_and_sign_in_with_password_and_code()
    {
        var userName = "tfa" + Guid.NewGuid().ToString("N")[..10];
        const string password = "Secret#12345";
        using (var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) })
        {
            var register = await http.PostAsJsonAsync("/api/account/register", new { userName, email = userName + "@example.test", password });
            Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        await SignInAsync(Page, userName, password, "/account");
        await Page.ClickAsync("button#enable-2fa");
        await Page.Locator("#two-factor-key").WaitForAsync();
        var sharedKey = (await Page.Locator("#two-factor-key").TextContentAsync())!;
        Assert.That(await Page.Locator("#two-factor-qr").GetAttributeAsync("src"), Does.StartWith("data:image/svg+xml;base64,"), "the QR code is rendered by the server");
        await Page.FillAsync("#two-factor-enrol-form input[name=code]", Code(sharedKey, 0));
        await Page.ClickAsync("#two-factor-enrol-form button[type=submit]");
        await Page.Locator("#recovery-code-list li").First.WaitForAsync();
        Assert.That(await Page.Locator("#recovery-code-list li").CountAsync(), Is.EqualTo(10));
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("two-factor-enabled"), FullPage = true });

        await Page.ClickAsync("#logout");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
        await Page.FillAsync("input[name=userName]", userName);
        await Page.FillAsync("input[name=password]", password);
        await Page.ClickAsync("button[type=submit]");
        var codeInput = Page.Locator("input[name=code]");
        await codeInput.WaitForAsync();
        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "no token before the second factor");
        await codeInput.FillAsync(Code(sharedKey, 1));
        await Page.ClickAsync("button[type=submit]");
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
        await Page.Locator("#logout").WaitForAsync();

        var token = (await StoredAsync(Page, TokenKey))!;
        var amr = JwtForge.Decode(token).Payload["amr"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.That(amr, Is.EqualTo(new[] { "pwd", "otp", "mfa" }));
    }
}
