using System.Security.Cryptography;
using System.Text;

namespace JwtMvc.Core.Auth.TwoFactor;

/// <summary>
/// Ten single-use recovery codes of 50 random bits each (<c>xxxxx-xxxxx</c>, base32). They are shown once and
/// stored only as SHA-256 hashes: with that much entropy a fast hash is enough, as for refresh tokens.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;

    public static IReadOnlyList<string> Generate()
    {
        var codes = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            var text = Base32.Encode(RandomNumberGenerator.GetBytes(7))[..10].ToLowerInvariant();
            codes[i] = $"{text[..5]}-{text[5..]}";
        }

        return codes;
    }

    /// <summary>The stored form of a code as the user may type it (any case, with or without the hyphen or spaces); null when it cannot be one.</summary>
    public static string? Hash(string? code)
    {
        if (code is null || code.Length > 32)
        {
            return null;
        }

        var normalized = new string([.. code.Where(c => c is not ('-' or ' ')).Select(char.ToLowerInvariant)]);
        if (normalized.Length != 10 || !normalized.All(c => c is (>= 'a' and <= 'z') or (>= '2' and <= '7')))
        {
            return null;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(normalized)));
    }
}
