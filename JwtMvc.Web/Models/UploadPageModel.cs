using JwtMvc.Core.Uploads;

namespace JwtMvc.Web.Models;

/// <summary>
/// What the upload page tells the user (and its script checks before sending): the server's limits. The
/// server still decides: these only spare a user from sending a file that would be refused.
/// </summary>
public sealed record UploadPageModel(long MaxFileBytes, string MaxFileSize, string Accept, string AllowedTypes)
{
    public static UploadPageModel From(UploadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var types = options.AllowedFileTypes;
        return new UploadPageModel(
            options.MaxFileBytes,
            Size(options.MaxFileBytes),
            string.Join(',', types.SelectMany(t => t.Extensions.Prepend(t.ContentType))),
            string.Join(", ", types.Select(t => t.Name)));
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
