namespace JwtMvc.Core.Uploads;

/// <summary>A kind of file JwtMvc recognises by its leading bytes.</summary>
/// <param name="Name">The name used in <c>Uploads:AllowedTypes</c> (PNG, JPEG, GIF, PDF).</param>
/// <param name="ContentType">The media type the file is served with.</param>
/// <param name="Extensions">File-name extensions of this type, lower case with the dot; the first is the usual one.</param>
public sealed record FileType(string Name, string ContentType, IReadOnlyList<string> Extensions)
{
    /// <summary>Other media types clients send for this type (<c>image/jpg</c> for JPEG, ...).</summary>
    public IReadOnlyList<string> ContentTypeAliases { get; init; } = [];

    internal IReadOnlyList<byte[]> Signatures { get; init; } = [];

    /// <summary>True when <paramref name="contentType"/> (parameters ignored) names this type.</summary>
    public bool IsNamedBy(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return string.Equals(mediaType, ContentType, StringComparison.OrdinalIgnoreCase)
            || ContentTypeAliases.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
    }

    public bool HasExtension(string extension) => Extensions.Contains(extension, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// Recognises files by their magic bytes, never by their name or the type a client claims.
/// </summary>
public static class FileSignatures
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs to recognise every known type.</summary>
    public const int HeaderLength = 8;

    public static readonly FileType Png = new("PNG", "image/png", [".png"])
    {
        Signatures = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]],
    };

    public static readonly FileType Jpeg = new("JPEG", "image/jpeg", [".jpg", ".jpeg", ".jpe", ".jfif"])
    {
        ContentTypeAliases = ["image/jpg", "image/pjpeg"],
        Signatures = [[0xFF, 0xD8, 0xFF]],
    };

    public static readonly FileType Gif = new("GIF", "image/gif", [".gif"])
    {
        Signatures = ["GIF87a"u8.ToArray(), "GIF89a"u8.ToArray()],
    };

    public static readonly FileType Pdf = new("PDF", "application/pdf", [".pdf"])
    {
        ContentTypeAliases = ["application/x-pdf"],
        Signatures = ["%PDF-"u8.ToArray()],
    };

    /// <summary>Every type JwtMvc recognises; <c>Uploads:AllowedTypes</c> picks from these by name.</summary>
    public static IReadOnlyList<FileType> Known { get; } = [Png, Jpeg, Gif, Pdf];

    /// <summary>The type whose signature <paramref name="header"/> starts with, or null for anything else.</summary>
    public static FileType? Detect(ReadOnlySpan<byte> header)
    {
        foreach (var type in Known)
        {
            foreach (var signature in type.Signatures)
            {
                if (header.StartsWith(signature))
                {
                    return type;
                }
            }
        }

        return null;
    }

    /// <summary>The known type called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static FileType? FindByName(string? name) =>
        Known.FirstOrDefault(t => string.Equals(t.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The known type that uses <paramref name="extension"/> (".pdf"), or null.</summary>
    public static FileType? FindByExtension(string? extension) =>
        string.IsNullOrEmpty(extension) ? null : Known.FirstOrDefault(t => t.HasExtension(extension));
}
