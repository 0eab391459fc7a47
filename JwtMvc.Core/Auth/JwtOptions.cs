using System.ComponentModel.DataAnnotations;

namespace JwtMvc.Core.Auth;

/// <summary>Settings of the token server, bound from the <c>Jwt</c> section and validated on start.</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>The key ring's default algorithm (ECDSA P-256 with SHA-256).</summary>
    public const string EcdsaAlgorithm = "ES256";

    /// <summary>The key ring's RSA algorithm (RSASSA-PKCS1-v1_5 with SHA-256).</summary>
    public const string RsaAlgorithm = "RS256";

    /// <summary>The shared-secret algorithm, implied by <see cref="SigningKey"/>.</summary>
    public const string SharedSecretAlgorithm = "HS256";

    /// <summary>RFC 9068 explicit type of an access token.</summary>
    public const string AccessTokenType = "at+jwt";

    public const int MinimumKeyBytes = 32;

    [Required]
    public string Issuer { get; set; } = "jwtmvc";

    [Required]
    public string Audience { get; set; } = "jwtmvc";

    /// <summary>
    /// The key ring's algorithm, <c>ES256</c> (default) or <c>RS256</c>. Ignored when <see cref="SigningKey"/> is set:
    /// then tokens are HS256.
    /// </summary>
    public string Algorithm { get; set; } = EcdsaAlgorithm;

    /// <summary>
    /// Base64, at least 256 bits: switches to shared-secret mode (HS256). Unset: the key ring in the database.
    /// From user secrets or the environment, never committed.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How the key ring rotates (key-ring mode only).</summary>
    public KeyRingOptions KeyRing { get; set; } = new();

    /// <summary>The <c>kid</c> of <see cref="SigningKey"/>; derived from the key when empty.</summary>
    public string? SigningKeyId { get; set; }

    /// <summary>Retired keys still accepted for validation while their tokens live out (key rotation).</summary>
    public List<JwtValidationKey> PreviousKeys { get; set; } = [];

    [Range(1, 1440, ErrorMessage = "Jwt:AccessTokenMinutes must be between {1} and {2}.")]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365, ErrorMessage = "Jwt:RefreshTokenDays must be between {1} and {2}.")]
    public int RefreshTokenDays { get; set; } = 14;

    [Range(0, 300, ErrorMessage = "Jwt:ClockSkewSeconds must be between {1} and {2}.")]
    public int ClockSkewSeconds { get; set; } = 30;

    [Range(0, 3600, ErrorMessage = "Jwt:SessionCheckSeconds must be between {1} and {2}.")]
    public int SessionCheckSeconds { get; set; } = 30;

    /// <summary>
    /// How long after a rotation the rotated token may be presented again and get the same successor, while that
    /// successor is unused (a lost answer, concurrent refreshes). 0: strict single use.
    /// </summary>
    [Range(0, 300, ErrorMessage = "Jwt:RefreshRetrySeconds must be between {1} and {2}.")]
    public int RefreshRetrySeconds { get; set; } = 30;

    /// <summary>
    /// Days a session that ended (expired or revoked) is kept, with its refresh tokens, before a sweep deletes it. Until
    /// then an old token of it is still recognised as reuse; afterwards it is unknown (refused all the same).
    /// </summary>
    [Range(1, 3650, ErrorMessage = "Jwt:EndedSessionRetentionDays must be between {1} and {2}.")]
    public int EndedSessionRetentionDays { get; set; } = 30;

    /// <summary>
    /// Active sessions a user may have at once: starting one more revokes the least recently used. Bounds what one
    /// account (or whoever holds its password) can store, and every list and revocation of its sessions.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Jwt:MaxSessionsPerUser must be between {1} and {2}.")]
    public int MaxSessionsPerUser { get; set; } = 100;

    /// <summary>
    /// Rotations a session's refresh token may have: every rotation stores one more token (reuse detection needs the
    /// used ones), so this bounds what one session can store. A refresh at the limit ends the session and the user signs
    /// in again. Unset: <see cref="RotationLimit"/>'s default. It must allow two rotations per access token for the
    /// whole session (the browser client rotates about once per access token), or the start fails.
    /// </summary>
    [Range(10, 10_000_000, ErrorMessage = "Jwt:MaxRotationsPerSession must be between {1} and {2}.")]
    public int? MaxRotationsPerSession { get; set; }

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(AccessTokenMinutes);

    /// <summary>True when <c>Jwt:SigningKey</c> is set: HS256 with that key, no key ring.</summary>
    public bool UsesSharedSecret => !string.IsNullOrEmpty(SigningKey);

    /// <summary>The one algorithm tokens are signed with and the only one validation accepts.</summary>
    public string SigningAlgorithm => UsesSharedSecret ? SharedSecretAlgorithm : Algorithm;

    /// <summary>How long a token signed at the last moment stays acceptable: lifetime plus clock skew.</summary>
    public TimeSpan LongestTokenLife => AccessTokenLifetime + TimeSpan.FromSeconds(ClockSkewSeconds);

    public TimeSpan RefreshTokenLifetime => TimeSpan.FromDays(RefreshTokenDays);

    public TimeSpan RefreshRetryWindow => TimeSpan.FromSeconds(RefreshRetrySeconds);

    /// <summary>
    /// Rotations a session's tokens take when the client rotates twice per access token for the whole session: the
    /// least <see cref="MaxRotationsPerSession"/> may be (2,688 with the default lifetimes).
    /// </summary>
    public int FewestRotationsAllowed => (int)Math.Ceiling(2 * RefreshTokenLifetime.TotalMinutes / AccessTokenMinutes);

    /// <summary>
    /// The rotation limit in force: <see cref="MaxRotationsPerSession"/>, or when unset 10,000 or, for short access
    /// tokens and long sessions, four rotations per access token for the whole session.
    /// </summary>
    public int RotationLimit => MaxRotationsPerSession ?? Math.Max(10_000, 2 * FewestRotationsAllowed);
}

/// <summary>The key ring's schedule, the <c>Jwt:KeyRing</c> section.</summary>
public sealed class KeyRingOptions
{
    /// <summary>How long before it signs a new key is published, so verifiers that cache the JWKS know it.</summary>
    [Range(0, 720, ErrorMessage = "Jwt:KeyRing:AnnounceHours must be between {1} and {2}.")]
    public int AnnounceHours { get; set; } = 24;

    /// <summary>How long a key signs before its successor takes over.</summary>
    [Range(1, 365, ErrorMessage = "Jwt:KeyRing:RotationDays must be between {1} and {2}.")]
    public int RotationDays { get; set; } = 30;

    public TimeSpan AnnounceLead => TimeSpan.FromHours(AnnounceHours);

    public TimeSpan RotationPeriod => TimeSpan.FromDays(RotationDays);
}

/// <summary>A key accepted for validation only.</summary>
public sealed class JwtValidationKey
{
    [Required]
    public string KeyId { get; set; } = "";

    [Required]
    public string Key { get; set; } = "";
}
