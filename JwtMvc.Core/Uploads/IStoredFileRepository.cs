namespace JwtMvc.Core.Uploads;

/// <summary>Metadata of uploaded files. Implemented in JwtMvc.Data. Every read and delete is scoped to an owner.</summary>
public interface IStoredFileRepository
{
    /// <summary>Stores the rows together: all or none.</summary>
    Task AddAsync(IReadOnlyCollection<StoredFile> files, CancellationToken cancellationToken);

    /// <summary>The owner's files, newest first.</summary>
    Task<IReadOnlyList<StoredFile>> ListByOwnerAsync(string ownerId, CancellationToken cancellationToken);

    /// <summary>The file when it exists and belongs to <paramref name="ownerId"/>; otherwise null.</summary>
    Task<StoredFile?> FindAsync(string ownerId, Guid id, CancellationToken cancellationToken);

    /// <summary>Deletes the row when it belongs to <paramref name="ownerId"/> and returns it; null when there was none to delete.</summary>
    Task<StoredFile?> DeleteAsync(string ownerId, Guid id, CancellationToken cancellationToken);
}
