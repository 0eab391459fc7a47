using JwtMvc.Tests.Browser.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// One Playwright driver, one Chromium and one app server for every browser test: starting them is
/// the expensive part of the suite. Each test still gets its own browser context (no shared storage), opened with
/// <see cref="NewContextAsync"/> and closed with <see cref="CloseContextAsync"/>.
/// </summary>
[SetUpFixture]
public sealed class BrowserSetUp
{
    private static IPlaywright? playwright;
    private static IBrowser? browser;
    private static BrowserTestServer? server;
    private static string? executable;

    /// <summary>A context's close normally takes well under a second; this is how long one may take.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);

    internal static IBrowser Browser =>
        browser ?? throw new InvalidOperationException("The browser was not started.");

    internal static BrowserTestServer Server =>
        server ?? throw new InvalidOperationException("The test server was not started.");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        executable = ChromiumLocator.Find(out var missingMessage);
        if (executable is null)
        {
            if (ChromiumLocator.BrowserRequired)
            {
                Assert.Fail(missingMessage);
            }

            Assert.Ignore(missingMessage);
        }

        playwright = await Playwright.CreateAsync();
        browser = await LaunchAsync();
        server = await BrowserTestServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (browser is not null)
        {
            await WithinCloseTimeoutAsync(browser.CloseAsync());
        }

        playwright?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>A new browser context on <paramref name="baseUrl"/> with the tests' default timeout; dispose it to close it.</summary>
    internal static async Task<OwnedContext> NewContextAsync(string baseUrl)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        context.SetDefaultTimeout(BrowserTest.DefaultTimeoutMs);
        return new OwnedContext(context);
    }

    /// <summary>
    /// Closes a test's browser context. Now and then Chromium never answers Playwright's close of a context that was
    /// just used (seen in a busy full run, in the tear-down of a test that had passed: the run then waited for ever);
    /// after <see cref="CloseTimeout"/> that browser is left behind and a fresh one serves the next tests.
    /// </summary>
    internal static async Task CloseContextAsync(IBrowserContext context)
    {
        if (await WithinCloseTimeoutAsync(context.CloseAsync()))
        {
            return;
        }

        await TestContext.Progress.WriteLineAsync(
            $"The browser context of {TestContext.CurrentContext.Test.FullName} did not close within {CloseTimeout.TotalSeconds:0} s; the next tests get a fresh browser.");
        var stuck = browser;
        browser = await LaunchAsync();
        if (stuck is not null)
        {
            await WithinCloseTimeoutAsync(stuck.CloseAsync()); // the driver ends it with the run otherwise
        }
    }

    private static Task<IBrowser> LaunchAsync() =>
        (playwright ?? throw new InvalidOperationException("Playwright was not started.")).Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ChromiumLocator.LaunchArguments,
        });

    /// <summary>Waits for <paramref name="closing"/> at most <see cref="CloseTimeout"/>; true when it finished.</summary>
    private static async Task<bool> WithinCloseTimeoutAsync(Task closing)
    {
        if (await Task.WhenAny(closing, Task.Delay(CloseTimeout)) != closing)
        {
            return false;
        }

        await closing;
        return true;
    }
}

/// <summary>A browser context that a test opened itself, closed by <see cref="BrowserSetUp.CloseContextAsync"/> when disposed.</summary>
internal sealed class OwnedContext(IBrowserContext context) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;

    public ValueTask DisposeAsync() => new(BrowserSetUp.CloseContextAsync(Context));
}
