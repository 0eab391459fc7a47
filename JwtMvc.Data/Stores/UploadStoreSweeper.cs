using JwtMvc.Core.Uploads;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Removes what interrupted work can leave in the upload folder: staging files of a process that died
/// mid-upload, and committed files no row refers to (a crash between moving a file into place and inserting
/// its row, or a user deleted together with their rows). Only files older than <see cref="MinimumAge"/> are
/// touched, so an upload in progress on any instance sharing the folder is never disturbed.
/// </summary>
internal sealed class UploadStoreSweeper(LocalFolderFileStore store, AppDbContext db, TimeProvider clock)
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

        return staging + orphans;
    }
}

/// <summary>Runs <see cref="UploadStoreSweeper"/> a minute after start and then every <see cref="PeriodicSweepService.Interval"/>.</summary>
internal sealed class UploadStoreSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<UploadStoreSweepService> logger)
    : PeriodicSweepService(scopes, clock, logger)
{
    protected override string What => "stale staging files and unreferenced files of the upload folder";

    protected override Task<int> SweepAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<UploadStoreSweeper>().SweepAsync(cancellationToken);
}
