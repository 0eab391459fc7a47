using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>wwwroot/js/auth.js in one tab: the bearer header, refreshing, logging out.</summary>
[Category("Browser")]
public sealed class AuthClientTests : BrowserTest
{
    [Test]
    public async Task Calls_to_the_app_carry_the_bearer_token_and_calls_to_another_origin_do_not()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        var token = await StoredAsync(Page, TokenKey);
        Server.OtherOrigin.Clear();

        var sameOrigin = await Page.RunAndWaitForRequestAsync(
            () => Page.EvaluateAsync(CallMeScript), request => request.Url.EndsWith("/api/me", StringComparison.Ordinal));
        var otherOriginAnswer = await Page.EvaluateAsync<bool>(
            "async url => (await $.ajax({ url: url, dataType: 'json' })).received", Server.OtherOrigin.Origin + "/echo");

        Assert.That(await sameOrigin.HeaderValueAsync("authorization"), Is.EqualTo("Bearer " + token), "a same-origin call should carry the stored token");
        Assert.That(otherOriginAnswer, Is.True, "the call to the other origin should have gone through");
        var received = Server.OtherOrigin.Requests;
        Assert.That(received.Select(r => $"{r.Method} {r.Path}"), Is.EqualTo(new[] { "GET /echo" }),
            "the other origin should get exactly the one call (a preflight would mean the page tried to send credentials)");
        Assert.That(received[0].Headers.Keys, Has.None.EqualTo("Authorization").IgnoreCase, "a call to another origin must not carry the token");
        Assert.That(received[0].Headers.GetValueOrDefault("Origin"), Is.EqualTo(Server.BaseUrl), "the call should come from the app's page");
    }

    [Test]
    public async Task A_call_with_an_expired_token_refreshes_once_and_succeeds()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        var expired = await StoreExpiredTokenAsync(Page);
        var refreshes = CountRefreshes();
        var answers = new List<(int Status, string? Challenge)>();
        Page.Response += (_, response) =>
        {
            if (response.Url.EndsWith("/api/me", StringComparison.Ordinal))
            {
                answers.Add((response.Status, response.Headers.GetValueOrDefault("www-authenticate")));
            }
        };

        var userName = await Page.EvaluateAsync<string>(CallMeScript);

        Assert.That(userName, Is.EqualTo("alice"), "the caller should get the retried call's result");
        Assert.That(refreshes(), Is.EqualTo(1), "exactly one refresh should happen");
        Assert.That(answers.Select(a => a.Status), Is.EqualTo(new[] { 401, 200 }), "the call should be refused once, then succeed on the retry");
        Assert.That(answers[0].Challenge, Does.Contain("invalid_token").And.Contain("expired"), "the server should have refused the token as expired");
        Assert.That(await StoredAsync(Page, TokenKey), Is.Not.EqualTo(expired).And.Not.Null, "the new token should be stored");
    }

    [Test]
    public async Task Three_parallel_calls_with_an_expired_token_share_one_refresh()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        await StoreExpiredTokenAsync(Page);
        var refreshes = CountRefreshes();

        var userNames = await Page.EvaluateAsync<string[]>("""
            () => Promise.all([1, 2, 3].map(() => $.ajax({ url: '/api/me', dataType: 'json' })))
                .then(answers => answers.map(me => me.userName))
            """);

        Assert.That(userNames, Is.EqualTo(new[] { "alice", "alice", "alice" }), "every call should settle with its retry's result");
        Assert.That(refreshes(), Is.EqualTo(1), "the three refused calls should share one refresh");
    }

    [Test]
    public async Task Success_and_complete_callbacks_run_once_with_the_retried_result()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        await StoreExpiredTokenAsync(Page);

        var calls = await Page.EvaluateAsync<string[]>("""
            () => new Promise(resolve => {
                const seen = [];
                $.ajax({
                    url: '/api/me', dataType: 'json',
                    success: me => seen.push('success ' + me.userName),
                    error: xhr => seen.push('error ' + xhr.status),
                    complete: (xhr, status) => { seen.push('complete ' + status); resolve(seen); }
                });
            })
            """);

        Assert.That(calls, Is.EqualTo(new[] { "success alice", "complete success" }), "callers should see only the retried call");
    }

    [Test]
    public async Task A_refresh_that_fails_clears_the_token_and_goes_to_login_with_the_return_url()
    {
        await SignInAsync(Page, "alice", "Alice#12345", "/orders?page=2");
        await StoreExpiredTokenAsync(Page);
        await Context.ClearCookiesAsync(); // no refresh cookie: the refresh is refused

        await Page.EvaluateAsync("() => { $.ajax('/api/me'); }");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");

        Assert.That(PathAndQuery(Page), Is.EqualTo("/account/login?returnUrl=%2Forders%3Fpage%3D2"), "the login page should bring the user back");
        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "the dead token should be cleared");
    }

    [Test]
    public async Task The_token_is_refreshed_ahead_of_its_expiry_while_the_page_is_open()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        var token = await StoredAsync(Page, TokenKey);
        var soon = DateTimeOffset.UtcNow.AddSeconds(3).ToString("O");
        await Page.EvaluateAsync("([key, value]) => localStorage.setItem(key, value)", new[] { ExpiresAtKey, soon });

        var refresh = await Page.RunAndWaitForRequestFinishedAsync(
            () => Page.ReloadAsync(),
            new PageRunAndWaitForRequestFinishedOptions { Predicate = r => r.Url.EndsWith("/api/auth/refresh", StringComparison.Ordinal) });

        var response = await refresh.ResponseAsync();
        Assert.That(response?.Status, Is.EqualTo(200), "the refresh ahead of expiry should succeed");
        await Page.WaitForFunctionAsync("([key, old]) => localStorage.getItem(key) !== old", new[] { TokenKey, token });
        var expiresAt = DateTimeOffset.Parse(await StoredAsync(Page, ExpiresAtKey) ?? "", System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(expiresAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(1)), "the new token should come with a new expiry");
    }

    [Test]
    public async Task Logout_ends_the_session_clears_storage_and_shows_the_login_page()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        await Page.Locator("#logout").WaitForAsync();

        await Page.ClickAsync("#logout");
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/account/login");

        Assert.That(await StoredAsync(Page, TokenKey), Is.Null, "the token should be cleared");
        Assert.That(await StoredAsync(Page, ExpiresAtKey), Is.Null, "the expiry should be cleared");
        var refreshStatus = await Page.EvaluateAsync<int>("""
            async () => (await fetch('/api/auth/refresh', { method: 'POST', headers: { 'X-Requested-With': 'XMLHttpRequest' } })).status
            """);
        Assert.That(refreshStatus, Is.EqualTo(401), "after logout the session cannot be refreshed");
    }

    [Test]
    public async Task Storing_or_clearing_the_token_raises_token_changed_and_the_nav_bar_follows()
    {
        await SignInAsync(Page, "alice", "Alice#12345", "/");
        await Page.EvaluateAsync("""
            () => {
                window.seenTokenChanges = [];
                document.addEventListener('jwtmvc:token-changed', e => window.seenTokenChanges.push(e.detail.signedIn));
            }
            """);

        await Page.EvaluateAsync("() => jwtmvc.auth.clear()");
        var loginLinkShown = await Page.Locator("#nav-login").IsVisibleAsync();
        var logoutShownAfterClear = await Page.Locator("#logout").IsVisibleAsync();
        await Page.EvaluateAsync("() => jwtmvc.auth.refresh()");
        var seen = await Page.EvaluateAsync<bool[]>("() => window.seenTokenChanges");

        Assert.That(seen, Is.EqualTo(new[] { false, true }), "clearing, then storing a refreshed token, should each raise jwtmvc:token-changed saying whether someone is signed in");
        Assert.That(loginLinkShown, Is.True, "signed out: the nav bar offers 'Log in'");
        Assert.That(logoutShownAfterClear, Is.False, "signed out: no logout button");
        Assert.That(await Page.Locator("#logout").IsVisibleAsync(), Is.True, "signed in again: the logout button is back");
        Assert.That(await Page.Locator("#nav-user-name").TextContentAsync(), Is.EqualTo("alice"), "signed in again: the nav bar names the user");
    }
}
