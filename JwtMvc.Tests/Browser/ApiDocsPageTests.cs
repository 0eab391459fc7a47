using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>The Scalar reference at /docs: offline, under its own CSP, and showing the API.</summary>
[Category("Browser")]
public sealed class ApiDocsPageTests : BrowserTest
{
    [Test]
    public async Task The_reference_shows_the_operations_without_a_csp_violation_or_another_origin()
    {
        var origins = new HashSet<string>(StringComparer.Ordinal);
        Page.Request += (_, request) => origins.Add(new Uri(request.Url).GetLeftPart(UriPartial.Authority));

        var response = await Page.GotoAsync("/docs");

        Assert.That(response?.Status, Is.EqualTo(200), "/docs is served in the test setup (Development)");
        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.That(csp, Does.Not.Contain("unsafe-eval"), "the relaxed CSP of /docs must not allow eval");
        Assert.That(csp, Does.Contain("'nonce-"), "Scalar's inline start-up script runs by nonce");
        await Page.GetByText("/api/auth/login").First.WaitForAsync();
        await Page.GetByText("/api/auth/token").First.WaitForAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.That(origins, Is.EquivalentTo(new[] { Server.BaseUrl }), "the reference loads nothing from another origin (no CDN, no telemetry)");
        Assert.That(ScriptProblems, Is.Empty, "no CSP violation or script error on /docs");
    }

    [Test]
    public async Task Other_pages_keep_the_strict_policy()
    {
        var response = await Page.GotoAsync("/");

        var csp = await response!.HeaderValueAsync("content-security-policy");
        Assert.That(csp, Does.Contain("style-src 'self';").And.Not.Contain("nonce-"), "only /docs gets the relaxed policy");
    }
}
