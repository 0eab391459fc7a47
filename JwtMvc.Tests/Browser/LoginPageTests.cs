using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

[Category("Browser")]
public sealed class LoginPageTests : BrowserTest
{
    [Test]
    public async Task Logging_in_lands_on_the_return_url_signed_in()
    {
        await Page.GotoAsync("/account/login?returnUrl=%2Fupload%3Fview%3Dall");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("login-page"), FullPage = true });

        await Page.FillAsync("input[name=userName]", "alice");
        await Page.FillAsync("input[name=password]", "Alice#12345");
        await Page.ClickAsync("button[type=submit]");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/upload");
        await Page.Locator("#logout").WaitForAsync();

        Assert.That(PathAndQuery(Page), Is.EqualTo("/upload?view=all"), "login should land on the returnUrl, query included");
        Assert.That(await Page.Locator("#nav-user-name").TextContentAsync(), Is.EqualTo("alice"), "the nav bar should show the signed-in user's name");
        Assert.That(await Page.Locator("#nav-admin").IsVisibleAsync(), Is.False, "alice is no admin: no Admin link");
        Assert.That(await Page.Locator("#nav-login").IsVisibleAsync(), Is.False, "signed in: no 'Log in' link");
        Assert.That(await StoredAsync(Page, TokenKey), Does.StartWith("eyJ"), "the access token should be stored");
        var expiresAt = DateTimeOffset.Parse(await StoredAsync(Page, ExpiresAtKey) ?? "", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(expiresAt, Is.GreaterThan(DateTimeOffset.UtcNow), "the stored expiry should lie in the future");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("signed-in-page"), FullPage = true });
    }

    [Test]
    public async Task Admins_see_the_admin_link()
    {
        await SignInAsync(Page, "admin", "Admin#12345", "/");

        await Page.Locator("#nav-admin").WaitForAsync();

        Assert.That(await Page.Locator("#nav-admin").IsVisibleAsync(), Is.True, "an admin should see the Admin link");
    }

    [Test]
    public async Task Signed_out_the_nav_bar_offers_log_in_only()
    {
        await Page.GotoAsync("/");

        await Page.Locator("#nav-login").WaitForAsync();

        Assert.That(await Page.Locator("#logout").IsVisibleAsync(), Is.False, "signed out: no logout button");
        Assert.That(await Page.Locator("text=Orders").First.IsVisibleAsync(), Is.False, "signed out: no link to the orders page in the nav bar");
    }

    [Test]
    public async Task A_wrong_password_shows_the_message_and_stores_nothing()
    {
        await Page.GotoAsync("/account/login");
        await Page.FillAsync("input[name=userName]", "bob");
        await Page.FillAsync("input[name=password]", "not-bobs-password");

        await Page.ClickAsync("button[type=submit]");
        var alert = Page.Locator("#login-form [role=alert]");
        await alert.WaitForAsync();

        Assert.That(await alert.TextContentAsync(), Is.EqualTo("The user name or password is incorrect."), "a wrong password should say so");
        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/account/login"), "a failed login stays on the login page");
        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "a failed login must store no token");
        Assert.That(await StoredAsync(Page, ExpiresAtKey), Is.Null, "a failed login must store no expiry");
        Assert.That(await Page.IsEnabledAsync("button[type=submit]"), Is.True, "the form is usable again after the failure");
    }

    [Test]
    public async Task A_locked_out_account_is_told_so()
    {
        var (userName, password) = await Server.RegisterUserAsync("locked");
        using (var client = Server.CreateApiClient())
        {
            for (var attempt = 0; attempt < 5; attempt++)
            {
                using var failed = await client.PostAsJsonAsync("/api/auth/login", new { userName, password = "wrong" });
                Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a wrong password is refused");
            }
        }

        await Page.GotoAsync("/account/login");
        await Page.FillAsync("input[name=userName]", userName);
        await Page.FillAsync("input[name=password]", password);
        await Page.ClickAsync("button[type=submit]");
        var alert = Page.Locator("#login-form [role=alert]");
        await alert.WaitForAsync();

        Assert.That(await alert.TextContentAsync(), Does.StartWith("This account is locked"), "after five failures the right password meets a lockout message (423)");
        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "a locked-out login must store no token");
    }

    [Test]
    public async Task Too_many_attempts_say_when_to_try_again()
    {
        // Hitting the real limit would lock this client out for the rest of the run; the server's 429 is
        // covered by the API tests, the page's handling of it here.
        await Page.RouteAsync("**/api/auth/login", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 429,
            Headers = new Dictionary<string, string> { ["Retry-After"] = "42" },
            ContentType = "application/problem+json",
            Body = """{"status":429,"title":"Too many attempts"}""",
        }));
        await Page.GotoAsync("/account/login");
        await Page.FillAsync("input[name=userName]", "bob");
        await Page.FillAsync("input[name=password]", "Bob#12345");

        await Page.ClickAsync("button[type=submit]");
        var alert = Page.Locator("#login-form [role=alert]");
        await alert.WaitForAsync();

        Assert.That(await alert.TextContentAsync(), Is.EqualTo("Too many sign-in attempts. Try again in 42 seconds."), "the message should use Retry-After");
        Assert.That(await Page.IsDisabledAsync("button[type=submit]"), Is.True, "the button stays disabled while the server would refuse anyway");
    }

    [Test]
    public async Task The_form_is_busy_while_the_login_request_runs()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Page.RouteAsync("**/api/auth/login", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await Page.GotoAsync("/account/login?returnUrl=%2Forders");
        await Page.FillAsync("input[name=userName]", "alice");
        await Page.FillAsync("input[name=password]", "Alice#12345");

        await Page.ClickAsync("button[type=submit]");
        var button = Page.Locator("button[type=submit]");

        Assert.That(await button.IsDisabledAsync(), Is.True, "the submit button should be disabled while waiting");
        Assert.That(await button.GetAttributeAsync("aria-busy"), Is.EqualTo("true"), "the button should announce that it is busy");
        Assert.That(await button.TextContentAsync(), Does.Contain("Logging in"), "the button should say what is happening");
        release.SetResult();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/orders");
    }

    [TestCase("/orders", "/account/login?returnUrl=%2Forders")]
    [TestCase("/upload", "/account/login?returnUrl=%2Fupload")]
    [TestCase("/admin/users", "/account/login?returnUrl=%2Fadmin%2Fusers")]
    [TestCase("/account/password", "/account/login?returnUrl=%2Faccount%2Fpassword")]
    [TestCase("/orders?page=2", "/account/login?returnUrl=%2Forders%3Fpage%3D2")]
    public async Task A_page_that_needs_a_session_sends_the_signed_out_to_the_login_page(string page, string expected)
    {
        await Page.GotoAsync(page);

        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");

        Assert.That(PathAndQuery(Page), Is.EqualTo(expected), "the login page should get the page as an encoded returnUrl");
    }
}
