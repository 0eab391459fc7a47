using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Runs <see cref="SweepAsync"/> in a scope of its own <see cref="FirstDelay"/> after start and then every
/// <see cref="Interval"/>, and logs what it deleted. A failed sweep is logged and tried again at the next interval:
/// it never stops the app.
/// </summary>
internal abstract partial class PeriodicSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>Not at once: the first seconds after a start belong to the requests (and the JIT).</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    /// <summary>What is swept, for the log.</summary>
    protected abstract string What { get; }

    /// <summary>Sweeps once; answers how many things it deleted.</summary>
    protected abstract Task<int> SweepAsync(IServiceProvider services, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(FirstDelay, clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                if (await SweepAsync(scope.ServiceProvider, stoppingToken) is > 0 and var deleted)
                {
                    Log.Swept(logger, What, deleted);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SweepFailed(logger, What, exception);
            }

            await Task.Delay(Interval, clock, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Swept {What}: {Count} deleted")]
        public static partial void Swept(ILogger logger, string what, int count);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping {What} failed")]
        public static partial void SweepFailed(ILogger logger, string what, Exception exception);
    }
}
