using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace JwtMvc.Web.Cluster;

/// <summary>
/// This instance's one connection to Redis. It is opened in the background, so the app starts and serves while
/// Redis is down, and StackExchange.Redis reconnects by itself (<c>abortConnect=false</c>). Callers ask
/// <see cref="Database"/> per use and fall back to what one instance can do alone when it is null. An outage is
/// logged once when it starts and once when it ends.
/// </summary>
internal sealed partial class RedisConnection(IOptions<RedisOptions> options, ILogger<RedisConnection> logger) : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<IConnectionMultiplexer> opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IConnectionMultiplexer? multiplexer;
    private volatile string? lastFailure;
    private int down;

    public string KeyPrefix => options.Value.KeyPrefix;

    public bool IsConnected => multiplexer?.IsConnected == true;

    /// <summary>Why Redis cannot be used now; null while it can.</summary>
    public string? Problem => IsConnected ? null : lastFailure ?? "not connected yet";

    /// <summary>The database while connected; null while Redis cannot be reached (use the single-instance fallback).</summary>
    public IDatabase? Database => multiplexer is { IsConnected: true } connected ? connected.GetDatabase() : null;

    /// <summary>Completes once the connection object exists (connected or still retrying).</summary>
    public Task<IConnectionMultiplexer> OpenedAsync => opened.Task;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(OpenAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A command failed although the connection looked up; the next <see cref="Database"/> may still work.</summary>
    public void ReportFailure(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ReportFailure(exception.Message);
    }

    private void ReportFailure(string reason)
    {
        lastFailure = reason;
        if (Interlocked.Exchange(ref down, 1) == 0)
        {
            Log.RedisUnavailable(logger, reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (multiplexer is { } open)
        {
            await open.DisposeAsync();
        }
    }

    private async Task OpenAsync()
    {
        try
        {
            var connection = await ConnectionMultiplexer.ConnectAsync(Configure(options.Value.Configuration!));
            connection.ConnectionFailed += (_, e) => ReportFailure(e.Exception?.Message ?? e.FailureType.ToString());
            connection.ConnectionRestored += (_, _) => Restored();
            multiplexer = connection;
            if (connection.IsConnected)
            {
                Restored();
            }
            else
            {
                ReportFailure("Redis did not answer at start; retrying in the background");
            }

            opened.TrySetResult(connection);
        }
        catch (Exception exception) when (exception is RedisException or ArgumentException)
        {
            // Only a configuration string it cannot parse gets here; abortConnect=false turns the rest into retries.
            ReportFailure(exception);
            opened.TrySetException(exception);
        }
    }

    private void Restored()
    {
        if (IsConnected)
        {
            lastFailure = null;
            if (Interlocked.Exchange(ref down, 0) == 1)
            {
                Log.RedisRestored(logger);
            }
        }
    }

    internal static ConfigurationOptions Configure(string configuration)
    {
        var settings = ConfigurationOptions.Parse(configuration);

        // Never fail at start, and never queue commands while disconnected: every caller has a fallback and must
        // not wait for Redis to come back.
        settings.AbortOnConnectFail = false;
        settings.BacklogPolicy = BacklogPolicy.FailFast;
        if (!configuration.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
        {
            settings.ConnectTimeout = 2000;
        }

        if (!configuration.Contains("asyncTimeout", StringComparison.OrdinalIgnoreCase))
        {
            settings.AsyncTimeout = 1000;
        }

        settings.ReconnectRetryPolicy = new LinearRetry(1000);
        return settings;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
            Message = "Redis is unavailable ({Reason}): revocations reach other instances only within Jwt:SessionCheckSeconds and rate limits count per instance until it is back")]
        public static partial void RedisUnavailable(ILogger logger, string reason);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Redis is reachable again")]
        public static partial void RedisRestored(ILogger logger);
    }
}
