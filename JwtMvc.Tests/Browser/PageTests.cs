using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>The pages themselves: CSP-clean, and the account forms.</summary>
[Category("Browser")]
public sealed class PageTests : BrowserTest
{
    private static readonly string[] PublicPages = ["/", "/account/login", "/account/register"];
    private static readonly string[] SessionPages = ["/orders", "/upload", "/admin/users", "/admin/keys", "/account/password"];

    [Test]
    public async Task No_page_logs_a_csp_violation_or_a_script_error()
    {
        foreach (var path in PublicPages)
        {
            var response = await Page.GotoAsync(path);
            Assert.That(response?.Status, Is.EqualTo(200), $"{path} should be served to anyone");
            Assert.That(await response!.HeaderValueAsync("content-security-policy"), Does.Contain("script-src 'self'"), $"{path} should be sent with the CSP");
        }

        await SignInAsync(Page, "admin", "Admin#12345", "/");
        foreach (var path in SessionPages)
        {
            await Page.GotoAsync(path);
            await Page.Locator("#logout").WaitForAsync();
            Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo(path), $"{path} should open for a signed-in admin");
        }

        Assert.That(ScriptProblems, Is.Empty, "no page may log a CSP violation or a script error");
    }

    [Test]
    public async Task The_csp_refuses_inline_script_and_the_test_notices()
    {
        await Page.GotoAsync("/");

        var ran = false;
        await Page.RunAndWaitForConsoleMessageAsync(
            async () => ran = await Page.EvaluateAsync<bool>("""
                () => {
                    const script = document.createElement('script');
                    script.textContent = 'window.inlineScriptRan = true';
                    document.body.appendChild(script);
                    return window.inlineScriptRan === true;
                }
                """),
            new PageRunAndWaitForConsoleMessageOptions { Predicate = m => m.Text.Contains("Content Security Policy", StringComparison.Ordinal) });

        Assert.That(ran, Is.False, "the browser should refuse an inline script");
        Assert.That(TakeScriptProblems(), Has.Some.Contains("Content Security Policy"), "the violation should be seen by the test's console listener");
    }

    [Test]
    public async Task A_non_admin_is_told_the_admin_page_is_for_administrators()
    {
        await SignInAsync(Page, "bob", "Bob#12345", "/admin/users");

        await Page.Locator("#admin-forbidden").WaitForAsync();

        Assert.That(await Page.Locator("#admin-forbidden").TextContentAsync(), Does.Contain("for administrators"), "bob should be told why there is nothing for him");
    }

    [Test]
    public async Task Registering_signs_the_new_user_in()
    {
        var userName = "newcomer" + Guid.NewGuid().ToString("N")[..8];
        await Page.GotoAsync("/account/register");
        await Page.FillAsync("input[name=userName]", userName);
        await Page.FillAsync("input[name=email]", userName + "@example.test");
        await Page.FillAsync("input[name=password]", "Newcomer#12345");
        await Page.FillAsync("input[name=confirmPassword]", "Newcomer#12345");

        await Page.ClickAsync("button[type=submit]");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await Page.Locator("#logout").WaitForAsync();

        Assert.That(await Page.Locator("#nav-user-name").TextContentAsync(), Is.EqualTo(userName), "the new user should be signed in");
    }

    [Test]
    public async Task Identity_rule_failures_are_shown_next_to_their_fields()
    {
        await Page.GotoAsync("/account/register");
        await Page.FillAsync("input[name=userName]", "weak" + Guid.NewGuid().ToString("N")[..8]);
        await Page.FillAsync("input[name=email]", "weak@example.test");
        await Page.FillAsync("input[name=password]", "short");
        await Page.FillAsync("input[name=confirmPassword]", "short");

        await Page.ClickAsync("button[type=submit]");
        var message = Page.Locator("[data-error-for=password]");
        await Page.Locator("input[name=password].is-invalid").WaitForAsync();

        Assert.That(await message.TextContentAsync(), Is.Not.Empty, "the password rules that failed should be listed under the password field");
        Assert.That(await message.IsVisibleAsync(), Is.True, "the message should be visible");
        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "a failed registration signs nobody in");
    }

    [Test]
    public async Task Changing_the_password_checks_the_current_one_and_then_succeeds()
    {
        var (userName, password) = await Server.RegisterUserAsync("changer");
        await SignInAsync(Page, userName, password, "/account/password");

        await Page.FillAsync("input[name=currentPassword]", "not-the-password");
        await Page.FillAsync("input[name=newPassword]", "Changed#12345");
        await Page.FillAsync("input[name=confirmNewPassword]", "Changed#12345");
        await Page.ClickAsync("button[type=submit]");
        await Page.Locator("input[name=currentPassword].is-invalid").WaitForAsync();
        var currentPasswordError = await Page.Locator("[data-error-for=currentPassword]").TextContentAsync();

        await Page.FillAsync("input[name=currentPassword]", password);
        await Page.FillAsync("input[name=newPassword]", "Changed#12345");
        await Page.FillAsync("input[name=confirmNewPassword]", "Changed#12345");
        await Page.ClickAsync("button[type=submit]");
        var alert = Page.Locator("#password-form .alert-success");
        await alert.WaitForAsync();

        Assert.That(currentPasswordError, Is.Not.Empty, "a wrong current password should be reported next to that field");
        Assert.That(await alert.TextContentAsync(), Does.Contain("was changed"), "success should be confirmed");
    }
}
