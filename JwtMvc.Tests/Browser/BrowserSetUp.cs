using JwtMvc.Tests.Browser.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// One Playwright driver, one Chromium and one app server for every browser test: starting them is
/// the expensive part of the suite. Each test still gets its own browser context (no shared storage).
/// </summary>
[SetUpFixture]
public sealed class BrowserSetUp
{
    private static IPlaywright? playwright;
    private static IBrowser? browser;
    private static BrowserTestServer? server;

    internal static IBrowser Browser =>
        browser ?? throw new InvalidOperationException("The browser was not started.");

    internal static BrowserTestServer Server =>
        server ?? throw new InvalidOperationException("The test server was not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var executable = ChromiumLocator.Find(out var missingMessage);
        if (executable is null)
        {
            if (ChromiumLocator.BrowserRequired)
            {
                Assert.Fail(missingMessage);
            }

            Assert.Ignore(missingMessage);
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ChromiumLocator.LaunchArguments,
        });
        server = await BrowserTestServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (browser is not null)
        {
            await browser.CloseAsync();
        }

        playwright?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
