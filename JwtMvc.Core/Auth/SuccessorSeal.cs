using System.Buffers.Text;
using System.Security.Cryptography;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Keeps a rotated refresh token's successor for the retry window without storing it in plain text: AES-256-GCM
/// under a key derived (HKDF-SHA256) from the rotated token itself. The database holds neither token, only
/// hashes, so the seal opens only for whoever presents the rotated token: exactly who may be answered with the
/// successor. No server-held key is needed, so every instance sharing the database can open it.
/// </summary>
internal static class SuccessorSeal
{
    private const int TokenBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    /// <summary>Bytes of a seal: nonce, ciphertext of the 32 token bytes, tag.</summary>
    public const int Length = NonceBytes + TokenBytes + TagBytes;

    private static readonly byte[] KeyInfo = "jwtmvc refresh successor v1"u8.ToArray();

    /// <summary>Seals <paramref name="successor"/> for holders of <paramref name="predecessor"/>; both are well-formed refresh tokens.</summary>
    public static byte[] Seal(string predecessor, string successor, Guid sessionId)
    {
        Span<byte> key = stackalloc byte[TokenBytes];
        Span<byte> plaintext = stackalloc byte[TokenBytes];
        Span<byte> associated = stackalloc byte[16];
        DeriveKey(predecessor, key);
        Decode(successor, plaintext);
        sessionId.TryWriteBytes(associated);

        var seal = new byte[Length];
        var nonce = seal.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, seal.AsSpan(NonceBytes, TokenBytes), seal.AsSpan(NonceBytes + TokenBytes, TagBytes), associated);
        CryptographicOperations.ZeroMemory(key);
        return seal;
    }

    /// <summary>The successor, or null when the seal does not open with <paramref name="predecessor"/> (tampered, or another token's).</summary>
    public static string? TryOpen(string predecessor, byte[] seal, Guid sessionId)
    {
        ArgumentNullException.ThrowIfNull(seal);
        if (seal.Length != Length)
        {
            return null;
        }

        Span<byte> key = stackalloc byte[TokenBytes];
        Span<byte> plaintext = stackalloc byte[TokenBytes];
        Span<byte> associated = stackalloc byte[16];
        DeriveKey(predecessor, key);
        sessionId.TryWriteBytes(associated);
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(seal.AsSpan(0, NonceBytes), seal.AsSpan(NonceBytes, TokenBytes), seal.AsSpan(NonceBytes + TokenBytes, TagBytes), plaintext, associated);
            return Base64Url.EncodeToString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static void DeriveKey(string predecessor, Span<byte> key)
    {
        Span<byte> secret = stackalloc byte[TokenBytes];
        Decode(predecessor, secret);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, key, salt: [], info: KeyInfo);
        CryptographicOperations.ZeroMemory(secret);
    }

    private static void Decode(string token, Span<byte> bytes)
    {
        if (Base64Url.DecodeFromChars(token, bytes) != TokenBytes)
        {
            throw new ArgumentException("Not a refresh token.", nameof(token));
        }
    }
}
