namespace JwtMvc.Core.Uploads;

/// <summary>The most one user's stored files may take together, and number.</summary>
public sealed record StorageQuota(long MaxBytes, int MaxFiles);

/// <summary>What one user's stored files take together, and number.</summary>
public sealed record StorageUsage(long Bytes, int Files);

/// <summary>One file as it arrives: the client's name and claimed type (both untrusted) and its bytes.</summary>
public sealed record IncomingFile(string? FileName, string? ClaimedContentType, Stream Content);

/// <summary>What became of an upload request. Only <see cref="Uploaded"/> keeps anything.</summary>
public abstract record UploadResult
{
    private UploadResult()
    {
    }

    /// <summary>Every file was stored.</summary>
    public sealed record Uploaded(IReadOnlyList<StoredFile> Files) : UploadResult;

    /// <summary>The request carried no file.</summary>
    public sealed record NoFiles : UploadResult;

    /// <summary>More than <see cref="UploadOptions.MaxFilesPerRequest"/> files.</summary>
    public sealed record TooManyFiles(int Limit) : UploadResult;

    /// <summary>A file had no bytes.</summary>
    public sealed record EmptyFile(string FileName) : UploadResult;

    /// <summary>A file was longer than <see cref="UploadOptions.MaxFileBytes"/>.</summary>
    public sealed record TooLarge(string FileName, long Limit) : UploadResult;

    /// <summary>With this file the user's stored files would pass <see cref="UploadOptions.Quota"/>, in bytes or in number.</summary>
    public sealed record QuotaExceeded(string FileName, StorageQuota Quota) : UploadResult;

    /// <summary>A file's bytes are not an allowed type, or disagree with its name or claimed type.</summary>
    public sealed record UnsupportedType(string FileName, string Reason) : UploadResult;
}

/// <summary>A file to send back, or nothing for this user.</summary>
public abstract record DownloadResult
{
    private DownloadResult()
    {
    }

    /// <summary>The caller owns <see cref="Stream"/> and disposes it.</summary>
    public sealed record Found(StoredFile File, Stream Content) : DownloadResult;

    /// <summary>No such file, or another user's: the two are not told apart.</summary>
    public sealed record NotFound : DownloadResult;
}
