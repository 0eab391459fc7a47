using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>The user management page at /admin/users, driven as an admin would.</summary>
[Category("Browser")]
public sealed class AdminUsersPageTests : BrowserTest
{
    private const string Markup = "<img src=x onerror=alert(1)>";

    private readonly ConcurrentQueue<string> dialogs = new();
    private readonly ConcurrentQueue<string> otherContextErrors = new();

    [Test]
    public async Task Locking_bob_from_the_page_sends_his_open_session_to_the_login_page_on_its_next_call()
    {
        await using var bobContext = await NewWatchedContextAsync();
        var bobPage = await bobContext.Context.NewPageAsync();
        await SignInAsync(bobPage, "bob", "Bob#12345", "/orders");
        Assert.That(await bobPage.EvaluateAsync<string>(CallMeScript), Is.EqualTo("bob"), "bob's session works before the lock");
        try
        {
            await SignInAsync(Page, "admin", "Admin#12345", "/admin/users");
            await Page.FillAsync("#user-search", "bob");
            await Page.ClickAsync("#user-search-form button[type=submit]");
            var bobRow = Page.Locator("#users-table tbody tr:has(td[data-field=userName]:text-is('bob'))");
            await bobRow.Locator("button[data-action=details]").ClickAsync();
            await Page.Locator("#detail-user-name:text-is('bob')").WaitForAsync();

            await Page.ClickAsync("#lock-user");
            await Page.ClickAsync("#confirm-ok");
            await Page.Locator("#detail-lockout:text-is('Locked indefinitely')").WaitForAsync();
            await bobRow.Locator("td[data-field=status]:text-is('Locked indefinitely')").WaitForAsync();

            await bobPage.EvaluateAsync("() => { $.ajax({ url: '/api/me', dataType: 'json' }); }");
            await bobPage.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");

            Assert.That(PathAndQuery(bobPage), Is.EqualTo("/account/login?returnUrl=%2Forders"), "bob's next call finds his session revoked and goes to the login page");
            Assert.That(await StoredAsync(bobPage, TokenKey), Is.Null, "and his token is forgotten");
            Assert.That(await Page.Locator("#audit-table tbody tr").First.TextContentAsync(), Does.Contain("admin").And.Contain("locked"), "the lock is in the audit trail");
        }
        finally
        {
            await UnlockAsync("bob"); // other browser tests sign in as bob
        }

        Assert.That(dialogs, Is.Empty);
        Assert.That(otherContextErrors, Is.Empty, "bob's page logged no script error");
    }

    [Test]
    public async Task A_confirm_clicked_while_the_dialog_is_still_fading_in_is_not_lost()
    {
        var (userName, _) = await Server.RegisterUserAsync("hasty");
        await SignInAsync(Page, "admin", "Admin#12345", "/admin/users");
        await Page.FillAsync("#user-search", userName);
        await Page.ClickAsync("#user-search-form button[type=submit]");
        await Page.Locator($"#users-table tbody tr:has(td[data-field=userName]:text-is('{userName}')) button[data-action=details]").ClickAsync();
        await Page.Locator($"#detail-user-name:text-is('{userName}')").WaitForAsync();

        // Both clicks in one task: Confirm lands while Bootstrap is still fading the dialog in, where it ignores hide().
        await Page.EvaluateAsync("() => { document.getElementById('lock-user').click(); document.getElementById('confirm-ok').click(); }");

        await Page.Locator("#detail-lockout:text-is('Locked indefinitely')").WaitForAsync();
        await Page.Locator("#confirm-modal").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        Assert.That(await Page.Locator("#detail-alert").TextContentAsync(), Does.Contain("is locked out"), "the lock went through");
        Assert.That(await Page.Locator("#confirm-modal").IsVisibleAsync(), Is.False, "and the dialog closed");
    }

    [Test]
    public async Task A_display_name_with_markup_is_shown_as_text_in_the_table_the_detail_panel_and_the_users_nav_bar()
    {
        var userName = "markup" + Guid.NewGuid().ToString("N")[..8];
        const string password = "Markup#12345";
        Page.Dialog += OnDialog;
        await SignInAsync(Page, "admin", "Admin#12345", "/admin/users");

        await Page.ClickAsync("#create-user-open");
        await Page.FillAsync("#create-userName", userName);
        await Page.FillAsync("#create-email", userName + "@example.test");
        await Page.FillAsync("#create-displayName", Markup);
        await Page.FillAsync("#create-password", password);
        await Page.ClickAsync("#create-user-submit");
        var row = Page.Locator($"#users-table tbody tr:has(td[data-field=userName]:text-is('{userName}'))");
        await row.WaitForAsync();
        await Page.Locator($"#detail-user-name:text-is('{userName}')").WaitForAsync();

        var cell = row.Locator("td[data-field=displayName]");
        Assert.That(await cell.TextContentAsync(), Is.EqualTo(Markup), "the table shows the display name as typed");
        Assert.That(await cell.InnerHTMLAsync(), Does.StartWith("&lt;img"), "as text, not as an element");
        Assert.That(await Page.Locator("#detail-display-name").TextContentAsync(), Is.EqualTo(Markup), "the detail panel too");
        Assert.That(await Page.Locator("main img").CountAsync(), Is.Zero, "no image element was made from the name");

        await using var userContext = await NewWatchedContextAsync();
        var userPage = await userContext.Context.NewPageAsync();
        await SignInAsync(userPage, userName, password, "/orders");
        var navName = userPage.Locator("#nav-display-name:not(.d-none)");
        await navName.WaitForAsync();

        Assert.That(await navName.TextContentAsync(), Is.EqualTo(Markup), "the nav bar shows the user's display name as text");
        Assert.That(await userPage.Locator("header img").CountAsync(), Is.Zero, "no image element in the nav bar");
        Assert.That(dialogs, Is.Empty, "no script ran: alert() was never called");
        Assert.That(otherContextErrors, Is.Empty, "the user's page logged no script error or CSP violation");
    }

    [Test]
    public async Task Resetting_2fa_from_the_page_turns_it_off_in_the_table_and_the_panel_after_a_confirmation()
    {
        var userName = await NewUserWithTwoFactorAsync();
        await SignInAsync(Page, "admin", "Admin#12345", "/admin/users");
        await Page.FillAsync("#user-search", userName);
        await Page.ClickAsync("#user-search-form button[type=submit]");
        var row = Page.Locator($"#users-table tbody tr:has(td[data-field=userName]:text-is('{userName}'))");
        await row.Locator("td[data-field=twoFactor]:text-is('On')").WaitForAsync();
        Assert.That(await Page.Locator("#users-table thead th").Nth(6).TextContentAsync(), Is.EqualTo("Two-factor"), "the column has a header that names it");
        await row.Locator("button[data-action=details]").ClickAsync();
        await Page.Locator("#detail-two-factor:text-is('On')").WaitForAsync();

        await Page.ClickAsync("#reset-2fa");
        await Page.Locator("#confirm-message:has-text('Reset two-factor sign-in')").WaitForAsync();
        await Page.ClickAsync("#confirm-ok");

        await Page.Locator("#detail-two-factor:text-is('Off')").WaitForAsync();
        await row.Locator("td[data-field=twoFactor]:text-is('Off')").WaitForAsync();
        await Page.Locator("#audit-table tbody tr:has-text('two-factor-reset')").WaitForAsync();
        Assert.That(await Page.Locator("#detail-alert").TextContentAsync(), Does.Contain("Two-factor sign-in reset"));
        Assert.That(await Page.Locator("#reset-2fa").IsDisabledAsync(), Is.True, "nothing left to reset");
    }

    [Test]
    public async Task A_non_admin_opening_the_page_is_told_the_server_refused()
    {
        await SignInAsync(Page, "alice", "Alice#12345", "/admin/users");

        await Page.Locator("#admin-forbidden:not(.d-none)").WaitForAsync();

        Assert.That(await Page.Locator("#admin-forbidden").TextContentAsync(), Does.Contain("for administrators"));
        Assert.That(await Page.Locator("#admin-app").GetAttributeAsync("class"), Does.Contain("d-none"), "no empty table is shown");
    }

    /// <summary>A new user who turned 2FA on through the API, with a code from the real clock the server runs on.</summary>
    private static async Task<string> NewUserWithTwoFactorAsync()
    {
        var (userName, password) = await Server.RegisterUserAsync("reset2fa");
        using var client = Server.CreateApiClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });
        var token = (await login.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var setup = await client.PostAsync("/api/account/2fa/authenticator", null);
        var sharedKey = (await setup.Content.ReadFromJsonAsync<AuthenticatorBody>())!.SharedKey;
        var code = Totp.Compute(Base32.Decode(sharedKey)!, Totp.TimeStep(DateTimeOffset.UtcNow));
        var enable = await client.PostAsJsonAsync("/api/account/2fa/enable", new { code });
        Assert.That(enable.StatusCode, Is.EqualTo(HttpStatusCode.OK), "enrolling " + userName);
        return userName;
    }

    private async Task<OwnedContext> NewWatchedContextAsync()
    {
        var owned = await BrowserSetUp.NewContextAsync(Server.BaseUrl);
        owned.Context.Page += (_, page) =>
        {
            page.Dialog += OnDialog;
            page.PageError += (_, error) => otherContextErrors.Enqueue(error);
            page.Console += (_, message) =>
            {
                if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
                {
                    otherContextErrors.Enqueue(message.Text);
                }
            };
        };
        return owned;
    }

    private async void OnDialog(object? sender, IDialog dialog)
    {
        dialogs.Enqueue(dialog.Message);
        await dialog.DismissAsync();
    }

    private static async Task UnlockAsync(string userName)
    {
        using var client = Server.CreateApiClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "admin", password = "Admin#12345" });
        var token = (await login.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var page = await client.GetFromJsonAsync<AdminUserPageBody>("/api/admin/users?search=" + userName);
        var user = page!.Items.Single(u => u.UserName == userName);
        var unlock = await client.PostAsync($"/api/admin/users/{user.Id}/unlock", null);
        Assert.That(unlock.StatusCode, Is.EqualTo(HttpStatusCode.OK), "unlocking " + userName + " after the test");
    }
}
