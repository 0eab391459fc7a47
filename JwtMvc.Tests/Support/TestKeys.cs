using System.Security.Cryptography;

namespace JwtMvc.Tests.Support;

public static class TestKeys
{
    /// <summary>A fresh random 256-bit key, base64, as <c>Jwt:SigningKey</c> takes it.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>What the key-ring endpoints answer.</summary>
public sealed record KeyListBody(string Mode, KeyBody[] Items);

public sealed record KeyBody(string Kid, string Alg, string Status, DateTimeOffset CreatedAt, DateTimeOffset ActivatesAt, DateTimeOffset RetiresAt, DateTimeOffset? RevokedAt);
