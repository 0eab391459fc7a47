using JwtMvc.Core.Uploads;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Removes what interrupted work can leave in the upload folder: staging files of a process that died
/// mid-upload, and committed files no row refers to (a crash between moving a file into place and inserting
/// its row, or a user deleted together with their rows). Only files older than <see cref="MinimumAge"/> are
/// touched, so an upload in progress on any instance sharing the folder is never disturbed.
/// </summary>
internal sealed partial class UploadStoreSweeper(LocalFolderFileStore store, AppDbContext db, TimeProvider clock, ILogger<UploadStoreSweeper> logger)
{
    public static readonly TimeSpan MinimumAge = TimeSpan.FromDays(1);

    private const int KeysPerQuery = 500;

    /// <summary>Deletes stale staging files and unreferenced committed files; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - MinimumAge;
        var staging = store.DeleteStagingOlderThan(cutoff);

        var orphans = 0;
        foreach (var keys in store.ListCommittedOlderThan(cutoff).Chunk(KeysPerQuery))
        {
            var referenced = await db.StoredFiles
                .AsNoTracking()
                .Where(f => keys.Contains(f.StorageKey))
                .Select(f => f.StorageKey)
                .ToListAsync(cancellationToken);
            foreach (var key in keys.Except(referenced, StringComparer.Ordinal))
            {
                await store.DeleteAsync(key, cancellationToken);
                orphans++;
            }
        }

        if (staging + orphans > 0)
        {
            Log.Swept(logger, staging, orphans);
        }

        return staging + orphans;
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Upload folder swept: {Staging} stale staging file(s), {Orphans} unreferenced file(s) deleted")]
        public static partial void Swept(ILogger logger, int staging, int orphans);
    }
}

/// <summary>Runs <see cref="UploadStoreSweeper"/> at start and then every <see cref="Interval"/>.</summary>
internal sealed partial class UploadStoreSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<UploadStoreSweepService> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<UploadStoreSweeper>().SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failed sweep is retried at the next interval; it must never stop the app.
                Log.SweepFailed(logger, exception);
            }

            await Task.Delay(Interval, clock, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "Sweeping the upload folder failed")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
