using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Providers;

/// <summary>
/// Copies the write-ahead log back into the SQLite file every <see cref="Interval"/>, from its own connection. Left to
/// SQLite, the commit that takes the log past 1,000 pages checkpoints it on the spot, fsyncs included, while it still
/// holds this process's write gate: every writer queued behind it waits on the disk, and the group-committed
/// rotations waited with it (docs/PERFORMANCE.md). A passive checkpoint here blocks no reader and no writer.
/// </summary>
/// <remarks>
/// The app's connections raise SQLite's own threshold to <see cref="SqliteConnectionSettings.FallbackCheckpointPages"/>
/// instead of turning it off, so the log stays bounded where this service does not run (tests without a host,
/// tools) or falls behind.
/// </remarks>
internal sealed partial class SqliteCheckpointer(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Task.Delay rather than a PeriodicTimer: moving a fake clock on by days must not run a periodic timer's every tick.
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, clock, stoppingToken);
            try
            {
                await CheckpointAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next tick tries again; SQLite's own threshold still bounds the log meanwhile.
                Log.CheckpointFailed(logger, exception);
            }
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        if (SqliteConnectionStrings.IsFile(new SqliteConnectionStringBuilder(db.Database.GetConnectionString())))
        {
            // As a pragma, a checkpoint that finds another one running (another instance on the file) is not an error.
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(PASSIVE);", cancellationToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Checkpointing the SQLite write-ahead log failed")]
        public static partial void CheckpointFailed(ILogger logger, Exception exception);
    }
}
