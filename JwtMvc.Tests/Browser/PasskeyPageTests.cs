using System.Net;
using System.Text;
using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// Passkeys end to end with Chromium's virtual WebAuthn authenticator (DevTools protocol), on http://localhost: WebAuthn
/// needs a secure context, which 127.0.0.1 by number is not for a relying party named localhost.
/// </summary>
[Category("Browser")]
public sealed class PasskeyPageTests : BrowserTest
{
    protected override string BaseUrl => Server.LocalhostUrl;

    [Test]
    public async Task Register_a_passkey_sign_in_with_it_without_a_user_name_then_remove_it_and_be_refused()
    {
        var (userName, password) = await Server.RegisterUserAsync("passkey");
        await AddVirtualAuthenticatorAsync(Page);
        await SignInAsync(Page, userName, password, "/account");

        await Page.FillAsync("#passkey-name", "Test laptop");
        await Page.ClickAsync("button#add-passkey");
        var item = Page.Locator("#passkeys li");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Assertions.Expect(item.First).ToContainTextAsync("Test laptop");
        await Assertions.Expect(item.First).ToContainTextAsync("last used never");

        await SignOutAsync(Page);
        string? loginBody = null;
        Page.Request += (_, request) =>
        {
            if (request.Url.EndsWith("/api/auth/passkey/login", StringComparison.Ordinal))
            {
                loginBody = request.PostData;
            }
        };
        Assert.That(await Page.InputValueAsync("input[name=userName]"), Is.Empty, "no user name is typed");
        await Page.ClickAsync("button#passkey-login");
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
        await Page.Locator("#logout").WaitForAsync();

        var token = (await StoredAsync(Page, TokenKey))!;
        var payload = JwtForge.Decode(token).Payload;
        var amr = payload["amr"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.That(amr, Does.Contain("hwk"), "a passkey sign-in says hwk in amr");
        Assert.That(amr, Does.Contain("mfa"), "the virtual authenticator verifies the user, so the sign-in is multi-factor");

        Assert.That(loginBody, Is.Not.Null, "the page posted the credential");
        using (var api = new HttpClient { BaseAddress = new Uri(Server.LocalhostUrl) })
        {
            using var replay = await api.PostAsync("/api/auth/passkey/login", new StringContent(loginBody!, Encoding.UTF8, "application/json"));
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a replayed assertion must be refused");
        }

        await Page.GotoAsync("/account");
        await Assertions.Expect(item).ToHaveCountAsync(1);
        await Assertions.Expect(item.First).Not.ToContainTextAsync("last used never");
        await item.First.Locator("[data-remove]").ClickAsync();
        await Assertions.Expect(item).ToHaveCountAsync(0);

        await SignOutAsync(Page);
        await Page.ClickAsync("button#passkey-login");
        var alert = Page.Locator("#passkey-sign-in [data-passkey-alert]");
        await Assertions.Expect(alert).ToBeVisibleAsync();
        await Assertions.Expect(alert).ToContainTextAsync("not accepted");
        Assert.That(new Uri(Page.Url).AbsolutePath, Does.StartWith("/account/login"), "a removed passkey signs no one in");
        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "no token after a refused passkey");
    }

    private static async Task AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
            },
        });
    }

    private static async Task SignOutAsync(IPage page)
    {
        await page.ClickAsync("#logout");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.Ordinal));
        await page.Locator("button#passkey-login").WaitForAsync();
    }
}
