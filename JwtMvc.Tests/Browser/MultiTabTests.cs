using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>Two tabs of one browser: one refresh cookie, one localStorage.</summary>
[Category("Browser")]
public sealed class MultiTabTests : BrowserTest
{
    [Test]
    public async Task Two_tabs_whose_tokens_expired_together_both_recover_and_keep_the_session()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        var second = await NewTabAsync();
        await second.GotoAsync("/upload", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await StoreExpiredTokenAsync(Page); // shared storage: the second tab holds the same expired token
        var refreshes = CountRefreshes();

        var userNames = await Task.WhenAll(Page.EvaluateAsync<string>(CallMeScript), second.EvaluateAsync<string>(CallMeScript));

        Assert.That(userNames, Is.EqualTo(new[] { "alice", "alice" }), "both tabs' calls should succeed");
        Assert.That(refreshes(), Is.EqualTo(1), "the tabs should take turns: one refreshes, the other uses its token");
        // Had both tabs presented the same refresh cookie, reuse detection would have revoked the session.
        await Page.EvaluateAsync("() => jwtmvc.auth.refresh()");
        Assert.That(await second.EvaluateAsync<string>(CallMeScript), Is.EqualTo("alice"), "the session should still be alive after another refresh");
        Assert.That(refreshes(), Is.EqualTo(2), "the explicit refresh is the only other one");
    }

    [Test]
    public async Task A_token_refreshed_in_one_tab_is_used_by_the_other()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        var second = await NewTabAsync();
        await second.GotoAsync("/upload", new() { WaitUntil = WaitUntilState.NetworkIdle });

        await Page.EvaluateAsync("() => jwtmvc.auth.refresh()");
        var refreshed = await StoredAsync(Page, TokenKey);
        var sent = await second.RunAndWaitForRequestAsync(
            () => second.EvaluateAsync(CallMeScript), request => request.Url.EndsWith("/api/me", StringComparison.Ordinal));

        Assert.That(await sent.HeaderValueAsync("authorization"), Is.EqualTo("Bearer " + refreshed), "the other tab should send the newest token");
    }

    [Test]
    public async Task Logout_in_one_tab_sends_the_other_to_the_login_page()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        var second = await NewTabAsync();
        await second.GotoAsync("/orders", new() { WaitUntil = WaitUntilState.NetworkIdle });
        await Page.Locator("#logout").WaitForAsync();

        await Page.ClickAsync("#logout");

        await second.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");
        Assert.That(new Uri(second.Url).AbsolutePath, Is.EqualTo("/account/login"), "the other tab should be on the login page");
        Assert.That(await second.Locator("#logout").IsVisibleAsync(), Is.False, "the other tab should no longer look signed in");
    }

    [Test]
    public async Task Signing_in_and_out_in_one_tab_updates_the_nav_bar_of_the_other()
    {
        // The register page is for the signed out: a sign-out elsewhere leaves it where it is.
        var second = await NewTabAsync();
        await second.GotoAsync("/account/register");
        await second.Locator("#nav-login").WaitForAsync();

        await SignInAsync(Page, "alice", "Alice#12345", "/");
        await second.Locator("#logout").WaitForAsync();
        var nameShown = await second.Locator("#nav-user-name").TextContentAsync();
        await Page.ClickAsync("#logout");
        await second.Locator("#nav-login").WaitForAsync();

        Assert.That(nameShown, Is.EqualTo("alice"), "the other tab's nav bar should name the user signed in in the first tab");
        Assert.That(await second.Locator("#logout").IsVisibleAsync(), Is.False, "after the logout in the first tab the other tab's nav bar offers no logout");
        Assert.That(new Uri(second.Url).AbsolutePath, Is.EqualTo("/account/register"), "the register page stays where it is");
    }
}
