using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// The login and register pages follow <c>returnUrl</c> only to the app's own origin, whatever tricks the
/// value plays on a URL parser: the decision is made on the URL the browser would really go to.
/// </summary>
[Category("Browser")]
public sealed class ReturnUrlTests : BrowserTest
{
    private const string EvilHost = "evil.example";

    /// <summary>
    /// returnUrl as an attacker writes it into a link: the page's URLSearchParams decodes it once, so "%25"
    /// forms reach the script still percent-encoded. Each looks local to a check of its first characters,
    /// or is plainly foreign.
    /// </summary>
    private static readonly string[] ForeignQueryValues =
    [
        "/.//evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%09/evil.example",
        "/%2F%2Fevil.example",
        "/%252F%252Fevil.example",
        "/%2e%2e//evil.example",
        "/%252e%252e//evil.example",
        "%2F%2Fevil.example",
        "%252F%252Fevil.example",
        "https://evil.example",
        "javascript:alert(1)",
    ];

    public static IEnumerable<TestCaseData> ForeignReturnUrls() =>
        from page in new[] { "login", "register" }
        from value in ForeignQueryValues
        select new TestCaseData(page, "returnUrl=" + value).SetArgDisplayNames(page, value);

    [TestCaseSource(nameof(ForeignReturnUrls))]
    public async Task A_return_url_that_leaves_the_site_is_not_followed(string page, string query)
    {
        var foreignRequests = await RecordRequestsToTheEvilHostAsync();

        await SubmitAsync(page, query);

        Assert.That(foreignRequests, Is.Empty, $"returnUrl={query} must not send the browser to another site");
        Assert.That(new Uri(Page.Url).GetLeftPart(UriPartial.Authority), Is.EqualTo(Server.BaseUrl),
            $"returnUrl={query}: the browser should end on the app's own origin");
        Assert.That(await StoredAsync(Page, TokenKey), Does.StartWith("eyJ"), "the sign-in itself should have succeeded");
    }

    [TestCase("login")]
    [TestCase("register")]
    public async Task A_local_return_url_with_dot_segments_lands_on_the_page_it_resolves_to(string page)
    {
        await SubmitAsync(page, "returnUrl=" + Uri.EscapeDataString("/./orders?view=all#top"));

        Assert.That(new Uri(Page.Url).PathAndQuery, Is.EqualTo("/orders?view=all"), "/./orders is the orders page");
        Assert.That(new Uri(Page.Url).GetLeftPart(UriPartial.Authority), Is.EqualTo(Server.BaseUrl), "the orders page of this app");
    }

    /// <summary>Answers every request to the evil host with a page of its own, and records them.</summary>
    private async Task<ConcurrentQueue<string>> RecordRequestsToTheEvilHostAsync()
    {
        var requests = new ConcurrentQueue<string>();
        await Context.RouteAsync(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host == EvilHost, async route =>
        {
            requests.Enqueue(route.Request.Url);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html", Body = "<p>evil</p>" });
        });
        return requests;
    }

    /// <summary>Signs in through the login page, or registers a new user, with the query given; waits until the page has left the form.</summary>
    private async Task SubmitAsync(string page, string query)
    {
        var formPath = "/account/" + page;
        await Page.GotoAsync(formPath + "?" + query);
        if (page == "login")
        {
            await Page.FillAsync("input[name=userName]", "alice");
            await Page.FillAsync("input[name=password]", "Alice#12345");
        }
        else
        {
            var userName = "returning" + Guid.NewGuid().ToString("N")[..8];
            await Page.FillAsync("input[name=userName]", userName);
            await Page.FillAsync("input[name=email]", userName + "@example.test");
            await Page.FillAsync("input[name=password]", "Returning#12345");
            await Page.FillAsync("input[name=confirmPassword]", "Returning#12345");
        }

        await SubmitUntilAsync(Page, url => !url.StartsWith(Server.BaseUrl + formPath, StringComparison.OrdinalIgnoreCase), $"submitting {formPath}?{query}");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
