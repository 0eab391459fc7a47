using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>Every page the app renders passes axe-core with no serious or critical violation (Scalar's /docs aside).</summary>
[Category("Browser")]
public sealed class AccessibilityTests : BrowserTest
{
    private static readonly string[] SignedOutPages = ["/", "/account/login", "/account/register", "/account/forgot-password", "/account/reset-password", "/account/confirm-email", "/account/confirm-email-change"];
    private static readonly string[] AdminPages = ["/orders", "/upload", "/account", "/account/password", "/admin/users", "/admin/security", "/admin/keys"];

    [Test]
    public async Task Every_page_has_no_serious_or_critical_axe_violation()
    {
        var found = new List<string>();
        foreach (var path in SignedOutPages)
        {
            await Page.GotoAsync(path);
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            found.AddRange(await ViolationsAsync(path));
        }

        await SignInAsync(Page, "admin", "Admin#12345", "/");
        foreach (var path in AdminPages)
        {
            await Page.GotoAsync(path);
            await Page.Locator("#logout").WaitForAsync();
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            found.AddRange(await ViolationsAsync(path));
        }

        Assert.That(found, Is.Empty, "axe-core must find no serious or critical violation");
    }

    private async Task<IEnumerable<string>> ViolationsAsync(string path)
    {
        var results = await Page.RunAxe();
        return results.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{path}: {v.Id} ({v.Impact}) {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
    }
}
