using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>Accounts by email in the browser: forgot/reset, confirmation, email change, and "my account".</summary>
[Category("Browser")]
public sealed class AccountPagesTests : BrowserTest
{
    [Test]
    public async Task Forgot_password_from_the_login_page_mails_a_link_whose_page_sets_a_new_password()
    {
        var (userName, password) = await Server.RegisterUserAsync("forgot");
        var email = userName + "@example.test";

        await Page.GotoAsync("/account/login");
        await Page.ClickAsync("a#forgot-password");
        await Page.FillAsync("#forgot-form input[name=email]", email);
        await Page.ClickAsync("#forgot-form button[type=submit]");
        await Page.Locator("#forgot-form .alert-success").WaitForAsync();
        var link = SmtpTestServer.LinkIn(await Server.Mail.WaitForMessageAsync(email, "Reset your JwtMvc password"), Server.BaseUrl);

        await Page.GotoAsync(link);
        Assert.That(new Uri(Page.Url).Query, Is.Empty, "the code leaves the address bar");
        await Page.FillAsync("input[name=newPassword]", "Renewed#54321");
        await Page.FillAsync("input[name=confirmNewPassword]", "Renewed#54321");
        await Page.ClickAsync("#reset-form button[type=submit]");
        await Page.Locator("#reset-form .alert-success").WaitForAsync();

        Assert.That(link, Does.StartWith(Server.BaseUrl + "/account/reset-password?userId="));
        Assert.That(await LoginStatusAsync(userName, password), Is.EqualTo(HttpStatusCode.Unauthorized), "the old password no longer works");
        await SignInAsync(Page, userName, "Renewed#54321");
        Assert.That(await Page.EvaluateAsync<string>(CallMeScript), Is.EqualTo(userName), "the new password signs in");
    }

    [Test]
    public async Task The_confirmation_link_of_a_new_account_confirms_it_in_the_browser()
    {
        var (userName, _) = await Server.RegisterUserAsync("confirm");
        var link = SmtpTestServer.LinkIn(await Server.Mail.WaitForMessageAsync(userName + "@example.test", "Confirm your email address"), Server.BaseUrl);

        await Page.GotoAsync(link);

        await Page.Locator("#confirm-status[data-state=done]").WaitForAsync();
        Assert.That(await Page.Locator("#confirm-status").TextContentAsync(), Does.Contain("confirmed"));
    }

    [Test]
    public async Task Asking_for_a_new_confirmation_link_mails_one_that_confirms_the_account()
    {
        const string subject = "Confirm your email address";
        var (userName, _) = await Server.RegisterUserAsync("resend");
        var email = userName + "@example.test";
        await Server.Mail.WaitForMessageAsync(email, subject);

        await Page.GotoAsync("/account/confirm-email");
        await Page.FillAsync("#resend-form input[name=email]", email);
        await Page.ClickAsync("#resend-form button[type=submit]");
        await Page.Locator("#resend-form .alert-success").WaitForAsync();
        var resent = await SecondMessageAsync(email, subject);
        await Page.GotoAsync(SmtpTestServer.LinkIn(resent, Server.BaseUrl));

        await Page.Locator("#confirm-status[data-state=done]").WaitForAsync();
        Assert.That(await Page.Locator("#confirm-status").TextContentAsync(), Does.Contain("confirmed"), "the resent link confirms the account");
    }

    private async Task<MimeKit.MimeMessage> SecondMessageAsync(string address, string subject)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var matching = Server.Mail.To(address).Where(m => m.Subject?.Contains(subject, StringComparison.Ordinal) == true).ToList();
            if (matching.Count >= 2)
            {
                return matching[1];
            }

            Assert.That(deadline.IsCancellationRequested, Is.False, $"a second '{subject}' mail to {address} arrives after asking again");
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task Changing_the_email_on_the_account_page_takes_effect_when_the_mailed_link_is_opened()
    {
        var (userName, password) = await Server.RegisterUserAsync("change");
        var newEmail = $"moved-{Guid.NewGuid():N}@example.test";
        await SignInAsync(Page, userName, password, "/account");

        await Page.FillAsync("#email-form input[name=newEmail]", newEmail);
        await Page.FillAsync("#email-form input[name=password]", password);
        await Page.ClickAsync("#email-form button[type=submit]");
        await Page.Locator("#email-form .alert-success").WaitForAsync();
        var before = await Page.Locator("#current-email").TextContentAsync();
        var link = SmtpTestServer.LinkIn(await Server.Mail.WaitForMessageAsync(newEmail, "Confirm your new email address"), Server.BaseUrl);
        await Page.GotoAsync(link);
        await Page.Locator("#confirm-status[data-state=done]").WaitForAsync();
        await Page.GotoAsync("/account");
        await Page.Locator($"#current-email:text-is('{newEmail}')").WaitForAsync();

        Assert.That(before, Is.EqualTo(userName + "@example.test"), "the email does not change before the link is opened");
    }

    [Test]
    public async Task The_nav_user_name_leads_to_the_account_page_where_the_display_name_is_edited()
    {
        var (userName, password) = await Server.RegisterUserAsync("profile");
        await SignInAsync(Page, userName, password, "/");

        await Page.ClickAsync("#nav-account");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account");
        await Page.Locator("#accountUserName").WaitForAsync();
        await Page.FillAsync("#profile-form input[name=displayName]", "Pat Profile");
        await Page.ClickAsync("#profile-form button[type=submit]");
        await Page.Locator("#profile-form .alert-success").WaitForAsync();

        await Page.Locator("#nav-display-name:text-is('Pat Profile')").WaitForAsync();
        Assert.That(await Page.Locator("#sessions tbody tr [data-current]").CountAsync(), Is.EqualTo(1), "this device is marked");
    }

    [Test]
    public async Task Signing_out_another_session_from_the_account_page_ends_that_browser_at_its_next_call()
    {
        var (userName, password) = await Server.RegisterUserAsync("devices");
        await using var other = await BrowserSetUp.NewContextAsync(Server.BaseUrl);
        var otherPage = await other.Context.NewPageAsync();
        await SignInAsync(otherPage, userName, password, "/orders");
        await SignInAsync(Page, userName, password, "/account");
        var otherRow = Page.Locator("#sessions tbody tr:not(:has([data-current]))");
        await otherRow.WaitForAsync();

        await otherRow.Locator("button[data-sign-out]").ClickAsync();
        await Page.Locator("#sessions-message.alert-success").WaitForAsync();
        await otherPage.EvaluateAsync("() => { $.ajax({ url: '/api/me', dataType: 'json' }); }");
        await otherPage.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");

        Assert.That(await Page.Locator("#sessions tbody tr").CountAsync(), Is.EqualTo(1), "only this device is left");
        Assert.That(await Page.EvaluateAsync<string>(CallMeScript), Is.EqualTo(userName), "this browser stays signed in");
    }

    [Test]
    public async Task Sign_out_everywhere_else_leaves_only_this_device()
    {
        var (userName, password) = await Server.RegisterUserAsync("everywhere");
        await using var other = await BrowserSetUp.NewContextAsync(Server.BaseUrl);
        var otherPage = await other.Context.NewPageAsync();
        await SignInAsync(otherPage, userName, password, "/orders");
        await SignInAsync(Page, userName, password, "/account");
        await Page.Locator("#sessions tbody tr:not(:has([data-current]))").WaitForAsync();

        await Page.ClickAsync("#sign-out-others");
        await Page.Locator("#sessions-message.alert-success").WaitForAsync();
        await otherPage.EvaluateAsync("() => { $.ajax({ url: '/api/me', dataType: 'json' }); }");
        await otherPage.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");

        Assert.That(await Page.Locator("#sessions tbody tr").CountAsync(), Is.EqualTo(1));
    }

    private static async Task<HttpStatusCode> LoginStatusAsync(string userName, string password)
    {
        using var client = Server.CreateApiClient();
        return (await client.PostAsJsonAsync("/api/auth/login", new { userName, password })).StatusCode;
    }
}
