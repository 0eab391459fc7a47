using System.Buffers;
using System.Globalization;
using System.Text;

namespace JwtMvc.Core.Uploads;

/// <summary>
/// Turns whatever name a client sent into a name that is safe to store, show and offer for download: one
/// segment (no folders), no control or invisible formatting characters, none of the characters Windows forbids,
/// no device names, at most <see cref="MaxLength"/> characters. The name is only ever metadata: files are
/// stored under random names, never under this one.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 200;

    /// <summary>Used when nothing of the client's name is left.</summary>
    public const string Fallback = "file";

    private const int MaxExtensionLength = 16;

    private static readonly SearchValues<char> s_forbidden = SearchValues.Create("<>:\"/\\|?*");

    private static readonly HashSet<string> s_deviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    public static string Sanitize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Fallback;
        }

        // Only the last segment, whichever separator the client's system uses.
        var segment = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        if (!segment.IsNormalized(NormalizationForm.FormC))
        {
            segment = segment.Normalize(NormalizationForm.FormC);
        }

        var builder = new StringBuilder(segment.Length);
        foreach (var rune in segment.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                // Control characters, and invisible ones such as U+202E (right-to-left override, "gnp.exe").
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                    or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                    continue;
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    builder.Append(' ');
                    continue;
            }

            if (rune.IsAscii && s_forbidden.Contains((char)rune.Value))
            {
                builder.Append('_');
                continue;
            }

            builder.Append(rune.ToString());
        }

        var cleaned = TrimEnds(builder.ToString());
        if (cleaned.Length == 0)
        {
            return Fallback;
        }

        var stem = cleaned.Split('.', 2)[0].TrimEnd();
        if (s_deviceNames.Contains(stem))
        {
            cleaned = "_" + cleaned;
        }

        return Shorten(cleaned);
    }

    /// <summary>
    /// The lower-case extension of a sanitised name (".png"), or an empty string when it has none or only a
    /// long tail after its last dot.
    /// </summary>
    public static string ExtensionOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var extension = Path.GetExtension(name);
        return extension.Length is > 1 and <= MaxExtensionLength ? extension.ToLowerInvariant() : string.Empty;
    }

    /// <summary>Appends <paramref name="extension"/> to a sanitised name, shortening the name to keep the total within <see cref="MaxLength"/>.</summary>
    public static string WithExtension(string name, string extension)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(extension);
        var stem = Cut(name, MaxLength - extension.Length);
        return TrimEnds(stem) + extension;
    }

    private static string Shorten(string name)
    {
        if (name.Length <= MaxLength)
        {
            return name;
        }

        var extension = ExtensionOf(name);
        var stem = name[..^extension.Length];
        return TrimEnds(Cut(stem, MaxLength - extension.Length)) + extension;
    }

    private static string Cut(string value, int length)
    {
        if (value.Length <= length)
        {
            return value;
        }

        // Never split a surrogate pair.
        if (length > 0 && char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value[..length];
    }

    // Leading dots would hide the file on Unix; trailing dots and spaces vanish on Windows.
    private static string TrimEnds(string value) => value.Trim(' ', '.');
}
