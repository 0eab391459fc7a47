namespace JwtMvc.Core.Auth.Keys;

/// <summary>
/// One key of the ring as the database keeps it: the public half as a JWK, the private half protected with Data
/// Protection. Its status follows from the times (<see cref="KeyLifecycle.StatusAt"/>).
/// </summary>
public sealed class SigningKeyRecord
{
    /// <summary>The <c>kid</c>: the RFC 7638 thumbprint of the public key.</summary>
    public required string KeyId { get; init; }

    /// <summary>1, 2, 3, ...: unique, so two instances racing to create the next key create one.</summary>
    public int Generation { get; init; }

    /// <summary><c>ES256</c> or <c>RS256</c>.</summary>
    public required string Algorithm { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>From then on it signs (until a newer key is active); before, it is announced.</summary>
    public DateTimeOffset ActivatesAt { get; set; }

    /// <summary>From then on it no longer signs but still verifies.</summary>
    public DateTimeOffset RetiresAt { get; set; }

    /// <summary>From then on every token it signed has expired: it leaves the JWKS and validation.</summary>
    public DateTimeOffset RemovedAt { get; set; }

    /// <summary>When an admin revoked it: it left the JWKS and validation at once.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The public JWK (<c>kty</c>, <c>kid</c>, <c>use</c>, <c>alg</c> and the key's public members), JSON.</summary>
    public required string PublicJwk { get; init; }

    /// <summary>The PKCS#8 private key, protected by <see cref="IPrivateKeyProtector"/>.</summary>
    public required string ProtectedPrivateKey { get; init; }
}

public enum SigningKeyStatus
{
    Announced,
    Active,
    Retired,
    Removed,
    Revoked,
}

/// <summary>Where the key ring is kept. Implemented in JwtMvc.Data.</summary>
public interface ISigningKeyStore
{
    /// <summary>
    /// The keys not yet removed at <paramref name="now"/> (revoked ones included), and the highest generation ever
    /// stored, read before the keys: a key stored after the keys were read makes <c>MaxGeneration + 1</c> conflict.
    /// </summary>
    Task<(IReadOnlyList<SigningKeyRecord> Keys, int MaxGeneration)> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="key"/> and applies <paramref name="retirements"/> in one transaction. False, with nothing
    /// changed, when another instance stored a key of the same generation first.
    /// </summary>
    Task<bool> TryAddAsync(SigningKeyRecord key, IReadOnlyList<KeyRetirement> retirements, CancellationToken cancellationToken);

    /// <summary>Marks a key revoked. False when there is no such key.</summary>
    Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken);
}

/// <summary>A new end of signing (and of verifying) for an existing key.</summary>
public sealed record KeyRetirement(string KeyId, DateTimeOffset RetiresAt, DateTimeOffset RemovedAt);

/// <summary>Protects private key bytes at rest (Data Protection). Implemented in JwtMvc.Data.</summary>
public interface IPrivateKeyProtector
{
    string Protect(byte[] privateKey);

    byte[] Unprotect(string protectedKey);
}
