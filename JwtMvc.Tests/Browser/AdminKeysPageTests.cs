using JwtMvc.Tests.Browser.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>The signing-key page at /admin/keys, in key-ring mode (its own server) and in shared-secret mode.</summary>
[Category("Browser")]
public sealed class AdminKeysPageTests : BrowserTest
{
    private BrowserTestServer keyRingServer = null!;

    [OneTimeSetUp]
    public async Task StartKeyRingServerAsync() => keyRingServer = await BrowserTestServer.StartAsync(keyRing: true);

    [OneTimeTearDown]
    public async Task StopKeyRingServerAsync() => await keyRingServer.DisposeAsync();

    [Test]
    public async Task A_confirm_clicked_while_the_dialog_is_still_fading_in_is_not_lost()
    {
        await using var owned = await BrowserSetUp.NewContextAsync(keyRingServer.BaseUrl);
        var page = await owned.Context.NewPageAsync();
        await SignInAsync(page, "admin", "Admin#12345", "/admin/keys");
        var active = page.Locator("#keys-table tbody tr[data-status=active]");
        await active.WaitForAsync();
        var before = await active.GetAttributeAsync("data-kid");

        // Both clicks in one task: Confirm lands while Bootstrap is still fading the dialog in, where it ignores hide().
        // Lost, it would leave the dialog open, and a later Cancel would rotate.
        await page.EvaluateAsync("() => { document.getElementById('rotate-now').click(); document.getElementById('confirm-ok').click(); }");

        await page.Locator($"#keys-table tbody tr[data-status=active]:not([data-kid='{before}'])").WaitForAsync();
        await page.Locator("#confirm-modal").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        Assert.That(await page.Locator($"#keys-table tbody tr[data-kid='{before}']").GetAttributeAsync("data-status"), Is.EqualTo("retired"), "the rotation went through");
        Assert.That(await page.Locator("#confirm-modal").IsVisibleAsync(), Is.False, "and the dialog closed");
    }

    [Test]
    public async Task After_revoking_the_active_key_the_open_page_keeps_working_after_one_invisible_refresh()
    {
        await using var owned = await BrowserSetUp.NewContextAsync(keyRingServer.BaseUrl);
        var context = owned.Context;
        var page = await context.NewPageAsync();
        await SignInAsync(page, "admin", "Admin#12345", "/admin/keys");
        var active = page.Locator("#keys-table tbody tr[data-status=active]");
        await active.WaitForAsync();
        var revokedKid = await active.GetAttributeAsync("data-kid");
        var refreshes = 0;
        context.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/api/auth/refresh")
            {
                Interlocked.Increment(ref refreshes);
            }
        };

        await active.Locator("button[data-action=revoke]").ClickAsync();
        await page.Locator("#confirm-modal.show").WaitForAsync();
        await page.ClickAsync("#confirm-ok");
        await page.Locator($"#keys-table tbody tr[data-kid='{revokedKid}'][data-status=revoked]").WaitForAsync();
        await page.Locator("#keys-table tbody tr[data-status=active]").WaitForAsync();
        var me = await page.EvaluateAsync<string>(CallMeScript);

        Assert.That(PathAndQuery(page), Is.EqualTo("/admin/keys"), "the page stays: no trip to the login page");
        Assert.That(await page.Locator("#keys-table tbody tr[data-status=active]").GetAttributeAsync("data-kid"), Is.Not.EqualTo(revokedKid), "a new key signs");
        Assert.That(me, Is.EqualTo("admin"), "the page's calls keep working");
        Assert.That(Volatile.Read(ref refreshes), Is.EqualTo(1), "one invisible refresh replaced the token the revoked key signed");
    }

    [Test]
    public async Task In_shared_secret_mode_the_page_says_so_and_its_buttons_are_off()
    {
        await SignInAsync(Page, "admin", "Admin#12345", "/admin/keys");

        await Page.Locator("#keys-shared-secret").WaitForAsync();

        Assert.That(await Page.Locator("#keys-shared-secret").TextContentAsync(), Does.Contain("Jwt:SigningKey"));
        Assert.That(await Page.Locator("#rotate-now").IsDisabledAsync(), Is.True, "Rotate now is off");
        Assert.That(await Page.Locator("#keys-table tbody tr").CountAsync(), Is.Zero, "no key is managed here");
    }
}
