using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Browser.Support;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// The register page when the <c>auth</c> budget (registration and sign-in share it) runs out, on a server of its own
/// that allows one attempt a minute: it must tell a refused registration from a refused sign-in after it.
/// </summary>
[Category("Browser")]
public sealed class RegisterRateLimitPageTests : BrowserTest
{
    private static Task<BrowserTestServer> StartLimitedServerAsync() =>
        BrowserTestServer.StartAsync(extraSettings: new Dictionary<string, string> { ["RateLimiting:Auth:PermitLimit"] = "1" });

    [Test]
    public async Task A_registration_refused_by_the_rate_limit_is_not_reported_as_an_account_created()
    {
        // Arrange: this client's one attempt of the minute goes to a failed sign-in.
        await using var server = await StartLimitedServerAsync();
        using var client = server.CreateApiClient();
        var failed = await client.PostAsJsonAsync("/api/auth/login", new { userName = "nobody", password = "wrong-password" });
        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "arranged: the attempt is spent");

        // Act
        var alert = await SubmitRegistrationAsync(server, "refused" + Guid.NewGuid().ToString("N")[..8]);

        // Assert
        Assert.That(alert, Does.Not.Contain("was created"), "the registration itself was refused");
        Assert.That(alert, Does.Contain("could not be created").Or.Contain("Too many"), alert);
    }

    [Test]
    public async Task A_sign_in_refused_after_a_registration_says_the_account_was_created()
    {
        // Act: the registration takes the one attempt; the sign-in after it is refused.
        await using var server = await StartLimitedServerAsync();
        var alert = await SubmitRegistrationAsync(server, "created" + Guid.NewGuid().ToString("N")[..8]);

        // Assert
        Assert.That(alert, Does.Contain("was created"), alert);
    }

    private static async Task<string> SubmitRegistrationAsync(BrowserTestServer server, string userName)
    {
        await using var context = await BrowserSetUp.NewContextAsync(server.BaseUrl);
        var page = await context.Context.NewPageAsync();
        await page.GotoAsync("/account/register");
        await page.FillAsync("input[name=userName]", userName);
        await page.FillAsync("input[name=email]", userName + "@example.test");
        await page.FillAsync("input[name=password]", "Newcomer#12345");
        await page.FillAsync("input[name=confirmPassword]", "Newcomer#12345");
        await page.ClickAsync("button[type=submit]");
        var alert = page.Locator("#register-form .alert");
        await alert.WaitForAsync();
        return (await alert.TextContentAsync())!;
    }
}
