using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>/admin/security: the charts and the event list after an attack on one account.</summary>
[Category("Browser")]
public sealed class AdminSecurityPageTests : BrowserTest
{
    [Test]
    public async Task Five_wrong_sign_ins_show_in_the_charts_and_in_the_filtered_list()
    {
        var (victim, _) = await Server.RegisterUserAsync("target");
        using var client = Server.CreateApiClient();
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/auth/login", new { userName = victim, password = "Wrong#12345" });
        }

        await SignInAsync(Page, "admin", "Admin#12345", "/admin/security");
        await Page.Locator("#events-table tbody tr").First.WaitForAsync();

        var hourly = await SeriesAsync("chart-24h");
        var daily = await SeriesAsync("chart-30d");
        Assert.Multiple(() =>
        {
            Assert.That(hourly.GetProperty("failedLogins").EnumerateArray().Last().GetInt32(), Is.GreaterThanOrEqualTo(5), "this hour's failed sign-ins");
            Assert.That(hourly.GetProperty("lockouts").EnumerateArray().Last().GetInt32(), Is.GreaterThanOrEqualTo(1), "this hour's lockout");
            Assert.That(hourly.GetProperty("labels").GetArrayLength(), Is.EqualTo(24));
            Assert.That(daily.GetProperty("lockouts").EnumerateArray().Last().GetInt32(), Is.GreaterThanOrEqualTo(1), "today's lockout");
            Assert.That(daily.GetProperty("labels").GetArrayLength(), Is.EqualTo(30));
        });
        var drawn = await Page.EvaluateAsync<int>("() => Chart.getChart('chart-24h').data.datasets.find(d => d.label === 'Failed sign-ins').data.at(-1)");
        Assert.That(drawn, Is.GreaterThanOrEqualTo(5), "the chart itself draws the failed sign-ins");

        await Page.SelectOptionAsync("#events-type", "lockout");
        await Page.RunAndWaitForResponseAsync(
            () => Page.ClickAsync("#events-filter button[type=submit]"),
            response => response.Url.Contains("/api/admin/security/events?", StringComparison.Ordinal) && response.Url.Contains("type=lockout", StringComparison.Ordinal));
        await Page.Locator("#events-table tbody tr[data-type=lockout]", new PageLocatorOptions { HasText = victim }).WaitForAsync();
        Assert.That(await Page.Locator("#events-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.type)"),
            Is.All.EqualTo("lockout"), "the type filter leaves lockouts only");
    }

    private async Task<JsonElement> SeriesAsync(string canvasId)
    {
        var json = await Page.Locator("#" + canvasId).GetAttributeAsync("data-series");
        Assert.That(json, Is.Not.Null, $"{canvasId} carries its data");
        return JsonDocument.Parse(json!).RootElement;
    }
}
