using JwtMvc.Core.Uploads;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>Uploaded files' metadata in <see cref="AppDbContext"/>; every query is scoped to the owner.</summary>
internal sealed class StoredFileStore(AppDbContext db) : IStoredFileRepository
{
    /// <summary>
    /// SQL Server: an exclusive application lock on the owner's files, held by the transaction, so that two uploads
    /// of one user on any instances cannot both count the same total.
    /// </summary>
    internal const string SqlServerOwnerLock = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = {0}, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 30000;
        IF @result < 0 THROW 51000, N'Timed out waiting for the uploads lock.', 1;
        """;

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
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(
            async ct =>
            {
                // SQLite: the transaction begins IMMEDIATE, so the count and the insert hold the one write lock.
                using var gate = await SqliteWriteGate.EnterAsync(db, ct);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (db.Database.IsSqlServer())
                {
                    await db.Database.ExecuteSqlRawAsync(SqlServerOwnerLock, ["JwtMvc.Uploads." + ownerId], ct);
                }

                var usage = await UsageAsync(ownerId, ct);
                if (usage.Bytes + adding > quota.MaxBytes || usage.Files + files.Count > quota.MaxFiles)
                {
                    return false; // disposing the transaction rolls it back
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

                await transaction.CommitAsync(ct);
                return true;
            },
            cancellationToken);
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
