using System.ComponentModel.DataAnnotations;

namespace JwtMvc.Core.Uploads;

/// <summary>Where uploaded files live and what is accepted; the <c>Uploads</c> section.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    public const string DefaultRoot = "App_Data/uploads";

    public const long DefaultMaxFileBytes = 25 * 1024 * 1024;

    public const long DefaultMaxBytesPerUser = 1024L * 1024 * 1024;

    /// <summary>
    /// Allowance per multipart part for its boundary and headers when the request-body limit is derived from
    /// the file limits; <c>MultipartReader</c> refuses part headers longer than this.
    /// </summary>
    public const int PartOverheadBytes = 16 * 1024;

    /// <summary>The types accepted when <c>Uploads:AllowedTypes</c> is not set.</summary>
    public static IReadOnlyList<string> DefaultAllowedTypes { get; } = ["PNG", "JPEG", "GIF", "PDF"];

    /// <summary>The folder files are stored in; a relative path is under the content root. Never under wwwroot.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Root { get; set; } = DefaultRoot;

    /// <summary>Largest accepted file; a larger one is refused with 413.</summary>
    [Range(1L, 1L << 40, ErrorMessage = "Uploads:MaxFileBytes must be between 1 and 1 TiB.")]
    public long MaxFileBytes { get; set; } = DefaultMaxFileBytes;

    /// <summary>
    /// The most a user's files may take together; an upload that would pass it is refused with 413, and nothing of
    /// it is kept. Without it one account could fill the disk.
    /// </summary>
    [Range(1L, 1L << 50, ErrorMessage = "Uploads:MaxBytesPerUser must be between 1 and 1 PiB.")]
    public long MaxBytesPerUser { get; set; } = DefaultMaxBytesPerUser;

    /// <summary>The most files a user may keep; an upload that would pass it is refused with 413. Bounds their list.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Uploads:MaxFilesPerUser must be between 1 and 1,000,000.")]
    public int MaxFilesPerUser { get; set; } = 1000;

    public StorageQuota Quota => new(MaxBytesPerUser, MaxFilesPerUser);

    /// <summary>Most files in one request; more are refused with 400.</summary>
    [Range(1, 100, ErrorMessage = "Uploads:MaxFilesPerRequest must be between 1 and 100.")]
    public int MaxFilesPerRequest { get; set; } = 10;

    /// <summary>
    /// Names of <see cref="FileSignatures.Known"/> types accepted, checked against the file's leading bytes.
    /// Empty means <see cref="DefaultAllowedTypes"/> (configuration binding appends to a non-empty default list,
    /// so the default is applied after binding).
    /// </summary>
    public List<string> AllowedTypes { get; set; } = [];

    /// <summary>
    /// The request-body limit of an upload request: every file at its largest plus each part's boundary and
    /// headers. Kestrel refuses a longer body with 413 before the files are looked at.
    /// </summary>
    public long MaxRequestBodyBytes => (MaxFileBytes * MaxFilesPerRequest) + ((MaxFilesPerRequest + 1L) * PartOverheadBytes);

    /// <summary>The allowed types, resolved; unknown names are refused when the options are validated.</summary>
    public IReadOnlyList<FileType> AllowedFileTypes =>
        (AllowedTypes.Count == 0 ? DefaultAllowedTypes : AllowedTypes)
            .Select(FileSignatures.FindByName)
            .OfType<FileType>()
            .ToList();

    /// <summary>The absolute storage folder: <see cref="Root"/> under <paramref name="contentRoot"/> when relative.</summary>
    public string ResolveRoot(string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(contentRoot);
        return Path.GetFullPath(Path.Combine(contentRoot, Root));
    }
}
