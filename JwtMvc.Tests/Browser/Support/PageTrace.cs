using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser.Support;

/// <summary>
/// What a tab did from a point on: requests with their answers, failed requests, console messages and navigations, each
/// with the milliseconds since the start. For failure messages: a wait that timed out then says which call never
/// answered, what the server said, or what the page showed, instead of only "Timeout 30000ms exceeded".
/// </summary>
internal sealed class PageTrace : IDisposable
{
    private readonly IPage tab;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly Stopwatch elapsed = Stopwatch.StartNew();
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    private readonly ServerLog? serverLog;

    private PageTrace(IPage tab, ServerLog? serverLog)
    {
        this.tab = tab;
        this.serverLog = serverLog;
        tab.Request += OnRequest;
        tab.Response += OnResponse;
        tab.RequestFailed += OnRequestFailed;
        tab.Console += OnConsole;
        tab.FrameNavigated += OnFrameNavigated;
    }

    /// <summary>Starts recording; with <paramref name="serverLog"/>, the description adds what the server logged meanwhile.</summary>
    public static PageTrace Start(IPage tab, ServerLog? serverLog = null) => new(tab, serverLog);

    /// <summary>The page's URL, everything seen since the start, the text of the page's visible alerts, and the server's log.</summary>
    public async Task<string> DescribeAsync()
    {
        string alerts;
        try
        {
            alerts = await tab.EvaluateAsync<string>(
                "() => [...document.querySelectorAll('[role=alert], .invalid-feedback')].filter(e => e.offsetParent !== null).map(e => e.innerText.trim()).join(' | ')");
        }
        catch (PlaywrightException e)
        {
            alerts = "(could not be read: " + e.Message + ")";
        }

        var server = serverLog is null ? "" : $"{Environment.NewLine}server (from {started:HH:mm:ss.fff}):{Environment.NewLine}{string.Join(Environment.NewLine, serverLog.Since(started))}";
        return $"page: {tab.Url}{Environment.NewLine}alerts: {alerts}{Environment.NewLine}{string.Join(Environment.NewLine, lines)}{server}";
    }

    public void Dispose()
    {
        tab.Request -= OnRequest;
        tab.Response -= OnResponse;
        tab.RequestFailed -= OnRequestFailed;
        tab.Console -= OnConsole;
        tab.FrameNavigated -= OnFrameNavigated;
    }

    private void Add(string line) => lines.Enqueue(elapsed.ElapsedMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms " + line);

    private void OnRequest(object? sender, IRequest request) => Add($"request {request.Method} {request.Url}");

    private void OnResponse(object? sender, IResponse response) => Add($"answer {response.Status} {response.Request.Method} {response.Url}");

    private void OnRequestFailed(object? sender, IRequest request) => Add($"failed {request.Method} {request.Url}: {request.Failure}");

    private void OnConsole(object? sender, IConsoleMessage message) => Add($"console {message.Type}: {message.Text}");

    private void OnFrameNavigated(object? sender, IFrame frame)
    {
        if (frame.ParentFrame is null)
        {
            Add($"navigated to {frame.Url}");
        }
    }
}
