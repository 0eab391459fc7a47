using JwtMvc.Core.Uploads;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>Uploaded files' metadata in <see cref="AppDbContext"/>; every query is scoped to the owner.</summary>
internal sealed class StoredFileStore(AppDbContext db) : IStoredFileRepository
{
    public async Task AddAsync(IReadOnlyCollection<StoredFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        db.StoredFiles.AddRange(files);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            foreach (var file in files)
            {
                db.Entry(file).State = EntityState.Detached;
            }
        }
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
