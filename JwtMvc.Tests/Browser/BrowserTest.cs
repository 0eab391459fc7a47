using System.Collections.Concurrent;
using JwtMvc.Tests.Browser.Support;
using Microsoft.Playwright;
using NUnit.Framework.Interfaces;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// Base of every browser test: a clean browser context per test, with every page's console errors
/// and uncaught exceptions collected; a test that passed fails anyway if a page logged a CSP violation
/// or a script error.
/// </summary>
[Category("Browser")]
public abstract class BrowserTest
{
    private readonly ConcurrentQueue<string> scriptProblems = new();
    private IBrowserContext? context;
    private IPage? page;

    protected IBrowserContext Context => context ?? throw new InvalidOperationException("No browser context yet.");

    /// <summary>The test's first tab.</summary>
    protected IPage Page => page ?? throw new InvalidOperationException("No page yet.");

    internal static BrowserTestServer Server => BrowserSetUp.Server;

    /// <summary>Console errors and uncaught exceptions seen so far, in any tab of this test.</summary>
    protected IReadOnlyCollection<string> ScriptProblems => scriptProblems;

    /// <summary>Where the test's pages are: the app's origin; a test that needs a secure context overrides it with localhost.</summary>
    protected virtual string BaseUrl => Server.BaseUrl;

    [SetUp]
    public async Task CreateBrowserContextAsync()
    {
        context = (await BrowserSetUp.NewContextAsync(BaseUrl)).Context;
        context.Page += (_, newPage) => Watch(newPage);
        page = await context.NewPageAsync();
    }

    [TearDown]
    public async Task CloseBrowserContextAsync()
    {
        if (context is not null)
        {
            await BrowserSetUp.CloseContextAsync(context);
        }

        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Passed)
        {
            Assert.That(scriptProblems, Is.Empty, "no page may log a CSP violation or a script error");
        }
    }

    /// <summary>Opens another tab in the same context (shared localStorage and cookies).</summary>
    protected Task<IPage> NewTabAsync() => Context.NewPageAsync();

    protected static Task<string?> StoredAsync(IPage tab, string key) =>
        tab.EvaluateAsync<string?>("key => localStorage.getItem(key)", key);

    /// <summary>
    /// Signs in through the login form and waits until the page has left it; if it never does, the failure lists what
    /// the tab did after the click (see <see cref="PageTrace"/>).
    /// </summary>
    protected static async Task SignInAsync(IPage tab, string userName, string password, string returnUrl = "/orders")
    {
        await tab.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await tab.FillAsync("input[name=userName]", userName);
        await tab.FillAsync("input[name=password]", password);
        await SubmitUntilAsync(tab, url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.OrdinalIgnoreCase), $"signing in as {userName}");
        // The landing page's own calls (the nav's GET /api/me, the page's data) finish before the test goes on,
        // so they cannot mix with the requests a test counts.
        await tab.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>
    /// Clicks the form's submit button and waits until the URL satisfies <paramref name="left"/>; if it never does, the
    /// failure lists what the tab did after the click (see <see cref="PageTrace"/>).
    /// </summary>
    protected static async Task SubmitUntilAsync(IPage tab, Func<string, bool> left, string what)
    {
        using var trace = PageTrace.Start(tab, Server.Log);
        await tab.ClickAsync("button[type=submit]");
        try
        {
            // Commit, not the default load event: the callers wait for the network to go idle next, and the page a
            // form moves on to may have loaded before the wait began.
            await tab.WaitForURLAsync(left, new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"After {what}, the page did not move on.{Environment.NewLine}{await trace.DescribeAsync()}", e);
        }
    }

    protected static string PathAndQuery(IPage tab) => new Uri(tab.Url).PathAndQuery;

    protected const string TokenKey = "jwtmvc.accessToken";
    protected const string ExpiresAtKey = "jwtmvc.expiresAt";

    /// <summary>Generous on purpose: a loaded 2-core CI machine can take seconds for a first page; failures still fail.</summary>
    internal const float DefaultTimeoutMs = 30_000;

    /// <summary>Calls GET /api/me through jQuery in the page and answers the user name it returned.</summary>
    protected const string CallMeScript = "async () => (await $.ajax({ url: '/api/me', dataType: 'json' })).userName";

    /// <summary>
    /// Replaces the stored access token with an expired copy signed with the app's key, leaving the stored
    /// expiry as it was: the page believes the token is good (as after a sleep or with a skewed clock),
    /// and only the server's answer tells it otherwise. Returns the expired token.
    /// </summary>
    protected static async Task<string> StoreExpiredTokenAsync(IPage tab)
    {
        var genuine = await StoredAsync(tab, TokenKey) ?? throw new InvalidOperationException("No access token is stored: sign in first.");
        var expired = AccessTokens.Expired(genuine, Server.SigningKey);
        await tab.EvaluateAsync("([key, token]) => localStorage.setItem(key, token)", new[] { TokenKey, expired });
        return expired;
    }

    /// <summary>Counts the requests to /api/auth/refresh made from any tab of this test's context.</summary>
    protected Func<int> CountRefreshes()
    {
        var count = 0;
        Context.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/api/auth/refresh")
            {
                Interlocked.Increment(ref count);
            }
        };
        return () => Volatile.Read(ref count);
    }

    /// <summary>Takes the script problems seen so far, for a test that provoked them on purpose.</summary>
    protected IReadOnlyList<string> TakeScriptProblems()
    {
        var taken = new List<string>();
        while (scriptProblems.TryDequeue(out var problem))
        {
            taken.Add(problem);
        }

        return taken;
    }

    /// <summary>Where screenshots go: a folder under the test output, kept after the run.</summary>
    protected static string ScreenshotPath(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }

    private void Watch(IPage tab)
    {
        tab.Console += (_, message) =>
        {
            // A failed request (an expected 401, say) is logged as a console error by Chromium; that is the
            // network's business, not a script problem. Everything else at error level counts.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                scriptProblems.Enqueue($"console error on {tab.Url}: {message.Text}");
            }
        };
        tab.PageError += (_, error) => scriptProblems.Enqueue($"uncaught error on {tab.Url}: {error}");
    }
}
