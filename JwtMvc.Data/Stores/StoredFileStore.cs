using JwtMvc.Core.Uploads;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>Uploaded files' metadata in <see cref="AppDbContext"/>; every query is scoped to the owner.</summary>
internal sealed class StoredFileStore(AppDbContext db) : IStoredFileRepository
{
    public async Task<bool> AddWithinQuotaAsync(string ownerId, IReadOnlyCollection<StoredFile> files, StorageQuota quota, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(quota);
        if (files.Any(f => f.OwnerId != ownerId))
        {
            throw new ArgumentException("Every file must belong to the owner.", nameof(files));
        }

        var adding = files.Sum(f => f.Size);
        // Counted and stored under the database's write lock, and on SQL Server the owner's own lock as well, so that
        // two uploads of one user on any instances cannot both count the same total.
        return await db.InWriteTransactionAsync(
            async ct =>
            {
                var usage = await UsageAsync(ownerId, ct);
                if (usage.Bytes + adding > quota.MaxBytes || usage.Files + files.Count > quota.MaxFiles)
                {
                    return false;
                }

                db.StoredFiles.AddRange(files);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                finally
                {
                    foreach (var file in files)
                    {
                        db.Entry(file).State = EntityState.Detached;
                    }
                }

                return true;
            },
            cancellationToken,
            sqlServerLock: "JwtMvc.Uploads." + ownerId);
    }

    public async Task<StorageUsage> UsageAsync(string ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        var usage = await db.StoredFiles
            .Where(f => f.OwnerId == ownerId)
            .GroupBy(_ => 1)
            .Select(g => new StorageUsage(g.Sum(f => f.Size), g.Count()))
            .SingleOrDefaultAsync(cancellationToken);
        return usage ?? new StorageUsage(0, 0);
    }

    public async Task<IReadOnlyList<StoredFile>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        return await db.StoredFiles
            .AsNoTracking()
            .Where(f => f.OwnerId == ownerId)
            .OrderByDescending(f => f.UploadedAt)
            .ThenByDescending(f => f.Id)
            .ToListAsync(cancellationToken);
    }

    public Task<StoredFile?> FindAsync(string ownerId, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        return db.StoredFiles
            .AsNoTracking()
            .SingleOrDefaultAsync(f => f.Id == id && f.OwnerId == ownerId, cancellationToken);
    }

    public async Task<StoredFile?> DeleteAsync(string ownerId, Guid id, CancellationToken cancellationToken)
    {
        var file = await FindAsync(ownerId, id, cancellationToken);
        if (file is null)
        {
            return null;
        }

        // Conditional: of two concurrent deletes only one reports the file, so its bytes are deleted once.
        var deleted = await db.StoredFiles
            .Where(f => f.Id == id && f.OwnerId == ownerId)
            .ExecuteDeleteAsync(cancellationToken);
        return deleted == 1 ? file : null;
    }
}
