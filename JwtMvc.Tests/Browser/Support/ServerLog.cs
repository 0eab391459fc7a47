using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Tests.Browser.Support;

/// <summary>
/// What the browser tests' server logged that explains a stuck page: warnings and errors, and requests and database
/// commands that took a second or more, each with its time. A failed wait in a browser test prints the entries from
/// the click on (<see cref="PageTrace"/>).
/// </summary>
internal sealed class ServerLog : ILoggerProvider
{
    public const string RequestCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
    public const string CommandCategory = "Microsoft.EntityFrameworkCore.Database.Command";

    private const int Capacity = 1000;
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(1);

    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> entries = new();

    public IEnumerable<string> Since(DateTimeOffset start) =>
        entries.Where(e => e.At >= start).Select(e => e.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + e.Line);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        entries.Enqueue((DateTimeOffset.UtcNow, line));
        while (entries.Count > Capacity && entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning || TookLong(state))
            {
                log.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }

        // "Request finished ... in 31002.1ms" and "Executed DbCommand (30,012ms)" carry their duration as a value.
        private static bool TookLong<TState>(TState state) =>
            state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.Any(v => v.Key is "ElapsedMilliseconds" or "elapsed"
                && double.TryParse(Convert.ToString(v.Value, CultureInfo.InvariantCulture), NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var ms)
                && ms >= Slow.TotalMilliseconds);
    }
}
