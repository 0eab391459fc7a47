using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Tests.Support;

/// <summary>
/// A real redis-server and three app instances on one SQLite database, one signing key and one clock, each with
/// <c>Redis:Configuration</c> pointing at that server: the scale-out setup. Skipped without redis-server.
/// </summary>
public abstract class ClusterFixture
{
    protected RedisServer Redis { get; private set; } = null!;

    protected IReadOnlyList<ClusterInstance> Instances { get; private set; } = [];

    protected ClusterInstance First => Instances[0];

    /// <summary>Settings every instance gets besides the Redis ones.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    [OneTimeSetUp]
    public async Task StartCluster()
    {
        Redis = RedisServer.Start();
        var prefix = "test" + Guid.NewGuid().ToString("N")[..8] + ":";
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Redis:Configuration"] = Redis.Configuration,
            ["Redis:KeyPrefix"] = prefix,
        };
        var first = new ClusterInstance(settings);
        Instances =
        [
            first,
            new ClusterInstance(settings, first.DatabasePath) { SigningKey = first.SigningKey, Clock = first.Clock },
            new ClusterInstance(settings, first.DatabasePath) { SigningKey = first.SigningKey, Clock = first.Clock },
        ];
        foreach (var instance in Instances)
        {
            Assert.That(await instance.WaitForHealthAsync("Healthy", TimeSpan.FromSeconds(20)), Is.True, "every instance connects to Redis at start");
        }
    }

    [OneTimeTearDown]
    public void StopCluster()
    {
        foreach (var instance in Instances.Reverse())
        {
            instance.Dispose();
        }

        Redis?.Dispose();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> (real time) has passed.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (watch.Elapsed > within)
            {
                return false;
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>
/// One app instance of a cluster test, with its log kept for assertions. A request's <see cref="ClientIpHeader"/>
/// becomes the connection's remote address, as if it came from there (the test server has none).
/// </summary>
public sealed class ClusterInstance(IReadOnlyDictionary<string, string?>? settings = null, string? databasePath = null)
    : JwtMvcFactory(settings, databasePath)
{
    public const string ClientIpHeader = "X-Test-Remote-Ip";

    public LogSink Logs { get; } = new();

    /// <summary>POST /api/auth/login with a wrong password, as a client at <paramref name="clientIp"/>.</summary>
    public Task<HttpResponseMessage> FailLoginAsync(string clientIp, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { userName = "nobody-" + Guid.NewGuid().ToString("N"), password = "wrong" }),
        };
        request.Headers.Add(ClientIpHeader, clientIp);
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.Add(name, value);
        }

        return CreateClient().SendAsync(request);
    }

    public async Task<HealthBody> HealthAsync()
    {
        var response = await CreateClient().GetAsync("/health");
        return (await response.Content.ReadFromJsonAsync<HealthBody>())!;
    }

    public Task<bool> WaitForHealthAsync(string status, TimeSpan within) =>
        ClusterFixture.EventuallyAsync(async () => (await HealthAsync()).Status == status, within);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>());
    }
}

public sealed record HealthBody(string Status, Dictionary<string, HealthEntryBody> Checks);

public sealed record HealthEntryBody(string Status, string? Description);

/// <summary>Keeps every log entry of one app instance.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message);

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink.entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}

/// <summary>Runs before the app's pipeline: sets the remote address a real connection would have.</summary>
internal sealed class RemoteAddressFromHeader : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (IPAddress.TryParse(context.Request.Headers[ClusterInstance.ClientIpHeader], out var address))
            {
                context.Connection.RemoteIpAddress = address;
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
