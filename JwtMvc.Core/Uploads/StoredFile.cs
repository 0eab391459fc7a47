namespace JwtMvc.Core.Uploads;

/// <summary>What JwtMvc knows about one uploaded file; its bytes are in the <see cref="IFileStore"/> under <see cref="StorageKey"/>.</summary>
public sealed class StoredFile
{
    public Guid Id { get; init; }

    public required string OwnerId { get; init; }

    /// <summary>The client's name, sanitised by <see cref="FileNames"/>; shown and offered on download, never a path.</summary>
    public required string FileName { get; init; }

    /// <summary>The random name the bytes are stored under; chosen by the store, never by a client.</summary>
    public required string StorageKey { get; init; }

    public long Size { get; init; }

    /// <summary>The media type detected from the file's leading bytes.</summary>
    public required string ContentType { get; init; }

    /// <summary>Lower-case hex SHA-256 of the bytes, computed while they were received.</summary>
    public required string Sha256 { get; init; }

    public DateTimeOffset UploadedAt { get; init; }
}
