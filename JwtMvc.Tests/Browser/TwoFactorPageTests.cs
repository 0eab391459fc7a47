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
        var (userName, sharedKey) = await EnrolAsync();
        Assert.That(await Page.Locator("#two-factor-qr").GetAttributeAsync("src"), Does.StartWith("data:image/svg+xml;base64,"), "the QR code is rendered by the server");
        Assert.That(await Page.Locator("#recovery-code-list li").CountAsync(), Is.EqualTo(10));
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("two-factor-enabled"), FullPage = true });

        await Page.ClickAsync("#logout");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
        await Page.FillAsync("input[name=userName]", userName);
        await Page.FillAsync("input[name=password]", Password);
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

    [Test]
    public async Task Enter_in_the_password_field_of_the_manage_form_keeps_the_password_out_of_the_address()
    {
        await EnrolAsync();
        var navigations = 0;
        Page.FrameNavigated += (_, frame) => navigations += frame == Page.MainFrame ? 1 : 0;
        var firstCodes = await Page.Locator("#recovery-code-list li").AllTextContentsAsync();

        // Enter, then the button: had Enter submitted the form, the page would have left with the password in its URL.
        await Page.FillAsync("#two-factor-password", Password);
        await Page.PressAsync("#two-factor-password", "Enter");
        await Page.ClickAsync("#new-recovery-codes");
        await Page.WaitForFunctionAsync(
            "first => document.querySelector('#recovery-code-list li')?.textContent !== first", firstCodes[0]);

        Assert.That(navigations, Is.Zero, "Enter does not submit the form");
        Assert.That(Page.Url, Does.Not.Contain("password").And.Not.Contain("12345"));
    }

    private const string Password = "Secret#12345";

    /// <summary>Registers a user, signs in on /account and turns on two-factor sign-in there; answers the user name and the key.</summary>
    private async Task<(string UserName, string SharedKey)> EnrolAsync()
    {
        var userName = "tfa" + Guid.NewGuid().ToString("N")[..10];
        using (var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) })
        {
            var register = await http.PostAsJsonAsync("/api/account/register", new { userName, email = userName + "@example.test", password = Password });
            Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        await SignInAsync(Page, userName, Password, "/account");
        await Page.ClickAsync("button#enable-2fa");
        await Page.Locator("#two-factor-key").WaitForAsync();
        var sharedKey = (await Page.Locator("#two-factor-key").TextContentAsync())!;
        await Page.FillAsync("#two-factor-enrol-form input[name=code]", Code(sharedKey, 0));
        await Page.ClickAsync("#two-factor-enrol-form button[type=submit]");
        await Page.Locator("#recovery-code-list li").First.WaitForAsync();
        return (userName, sharedKey);
    }
}
