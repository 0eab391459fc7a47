using System.ComponentModel.DataAnnotations;

namespace JwtMvc.Core.Auth;

/// <summary>Settings of the token server, bound from the <c>Jwt</c> section and validated on start.</summary>
public sealed class JwtOptions
{
    public const string Section = "Jwt";

    /// <summary>The only algorithm issued and accepted.</summary>
    public const string Algorithm = "HS256";

    /// <summary>RFC 9068 explicit type of an access token.</summary>
    public const string AccessTokenType = "at+jwt";

    public const int MinimumKeyBytes = 32;

    [Required]
    public string Issuer { get; set; } = "jwtmvc";

    [Required]
    public string Audience { get; set; } = "jwtmvc";

    /// <summary>Base64, at least 256 bits. From user secrets or the environment, never committed.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The <c>kid</c> of <see cref="SigningKey"/>; derived from the key when empty.</summary>
    public string? SigningKeyId { get; set; }

    /// <summary>Retired keys still accepted for validation while their tokens live out (key rotation).</summary>
    public List<JwtValidationKey> PreviousKeys { get; set; } = [];

    [Range(1, 1440)]
    public int AccessTokenMinutes { get; set; } = 15;

    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 14;

    [Range(0, 300)]
    public int ClockSkewSeconds { get; set; } = 30;

    [Range(0, 3600)]
    public int SessionCheckSeconds { get; set; } = 30;

    /// <summary>
    /// How long after a rotation the rotated token may be presented again and get the same successor, while that
    /// successor is unused (a lost answer, concurrent refreshes). 0: strict single use.
    /// </summary>
    [Range(0, 300)]
    public int RefreshRetrySeconds { get; set; } = 30;

    public TimeSpan AccessTokenLifetime => TimeSpan.FromMinutes(AccessTokenMinutes);

    public TimeSpan RefreshTokenLifetime => TimeSpan.FromDays(RefreshTokenDays);

    public TimeSpan RefreshRetryWindow => TimeSpan.FromSeconds(RefreshRetrySeconds);
}

/// <summary>A key accepted for validation only.</summary>
public sealed class JwtValidationKey
{
    [Required]
    public string KeyId { get; set; } = "";

    [Required]
    public string Key { get; set; } = "";
}
