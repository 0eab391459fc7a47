namespace JwtMvc.Core.Uploads;

/// <summary>Metadata of uploaded files. Implemented in JwtMvc.Data. Every read and delete is scoped to an owner.</summary>
public interface IStoredFileRepository
{
    /// <summary>
    /// Stores the rows of one owner's files together, all or none: none, answering false, when with them the owner's
    /// files would pass <paramref name="quota"/>. Concurrent additions for one owner are decided one after the other,
    /// on every instance.
    /// </summary>
    Task<bool> AddWithinQuotaAsync(string ownerId, IReadOnlyCollection<StoredFile> files, StorageQuota quota, CancellationToken cancellationToken);

    /// <summary>What the owner's stored files take together, and how many there are.</summary>
    Task<StorageUsage> UsageAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>The owner's files, newest first.</summary>
    Task<IReadOnlyList<StoredFile>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>The file when it exists and belongs to <paramref name="ownerId"/>; otherwise null.</summary>
    Task<StoredFile?> FindAsync(string ownerId, Guid id, CancellationToken cancellationToken);

    /// <summary>Deletes the row when it belongs to <paramref name="ownerId"/> and returns it; null when there was none to delete.</summary>
    Task<StoredFile?> DeleteAsync(string ownerId, Guid id, CancellationToken cancellationToken);
}
