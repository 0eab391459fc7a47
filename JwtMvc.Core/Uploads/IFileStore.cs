namespace JwtMvc.Core.Uploads;

/// <summary>
/// Where uploaded bytes live. Names are chosen by the store (random, never from a client). A file is written
/// under a staging name and only moved to its final name by <see cref="IStagedFile.CommitAsync"/>, so readers
/// never see half a file. Implemented in JwtMvc.Data (a local folder).
/// </summary>
public interface IFileStore
{
    /// <summary>Starts a new file under a fresh random key. Disposing it uncommitted deletes what was written.</summary>
    Task<IStagedFile> CreateAsync(CancellationToken cancellationToken);

    /// <summary>The committed file's bytes, or null when there is no such file.</summary>
    Task<Stream?> OpenReadAsync(string storageKey, CancellationToken cancellationToken);

    /// <summary>Deletes a committed file; a missing file is not an error.</summary>
    Task DeleteAsync(string storageKey, CancellationToken cancellationToken);
}

/// <summary>A file being written. Dispose it always: uncommitted, that deletes it.</summary>
public interface IStagedFile : IAsyncDisposable
{
    /// <summary>The key the file will have once committed.</summary>
    string StorageKey { get; }

    /// <summary>Write the bytes here.</summary>
    Stream Content { get; }

    /// <summary>Flushes and closes <see cref="Content"/>, then moves the file to its final name.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
