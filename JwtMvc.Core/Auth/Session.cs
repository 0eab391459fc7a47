namespace JwtMvc.Core.Auth;

/// <summary>
/// A sign-in: one family of refresh tokens. Its id is the <c>sid</c> claim of every access token
/// issued for it. Its expiry is absolute: rotation never extends it.
/// </summary>
public sealed class Session
{
    public Guid Id { get; init; }

    public required string UserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUsedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }

    /// <summary>
    /// How many times the session's refresh token was rotated: each rotation stores one more token, so the session
    /// ends at <see cref="JwtOptions.RotationLimit"/>.
    /// </summary>
    public int Rotations { get; set; }

    public string? IpAddress { get; set; }

    public string? UserAgent { get; set; }

    /// <summary>
    /// How the sign-in that started the session proved who the user is (RFC 8176 values, space-separated, see
    /// <see cref="AuthenticationMethods"/>); every access token of the session carries them as <c>amr</c>.
    /// </summary>
    public string AuthenticationMethods { get; init; } = Auth.AuthenticationMethods.Password.ToString();

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

/// <summary>
/// One refresh token. Only its SHA-256 hash is stored; the token itself is shown to the client once.
/// </summary>
public sealed class RefreshToken
{
    /// <summary>Bytes of <see cref="SealedReplacement"/>.</summary>
    public const int SealedReplacementLength = SuccessorSeal.Length;

    public Guid Id { get; init; }

    /// <summary>Lower-case hex SHA-256 of the token string.</summary>
    public required string TokenHash { get; init; }

    /// <summary>The session (family) the token belongs to.</summary>
    public Guid SessionId { get; init; }

    public required string UserId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The token this one replaced; null for a session's first token.</summary>
    public Guid? ReplacesId { get; init; }

    /// <summary>Hash of the token that replaced this one when it was rotated.</summary>
    public string? ReplacedByHash { get; set; }

    /// <summary>
    /// The replacing token itself, sealed so that only the holder of this token can open it, kept for the retry
    /// window (<see cref="JwtOptions.RefreshRetrySeconds"/>); null outside it.
    /// </summary>
    public byte[]? SealedReplacement { get; set; }

    public string? IpAddress { get; init; }

    public string? UserAgent { get; init; }
}

/// <summary>Why a session ended; stored with it and shown to admins.</summary>
public static class SessionRevocationReasons
{
    public const string Logout = "logout";
    public const string Reuse = "refresh-token-reuse";
    public const string PasswordChanged = "password-changed";
    public const string UserLocked = "user-locked";
    public const string RolesChanged = "roles-changed";
    public const string UserDeleted = "user-deleted";
    public const string PasswordReset = "password-reset";
    public const string AdminRevoked = "admin-revoked";
    public const string TokenRevoked = "token-revoked";
    public const string UserGone = "user-gone";
    public const string TwoFactorReset = "two-factor-reset";
    public const string TwoFactorChanged = "two-factor-changed";
    public const string SignedOutByUser = "signed-out-by-user";
    public const string SessionLimit = "session-limit";

    /// <summary>The session's refresh token was rotated <see cref="JwtOptions.RotationLimit"/> times.</summary>
    public const string RotationLimit = "rotation-limit";

    /// <summary>A sign-in whose user changed (new password, lock, roles, two-factor) while it was under way.</summary>
    public const string UserChanged = "user-changed-during-sign-in";

    /// <summary>A sign-in that failed after its session was stored (an error, a dropped request): nobody holds its tokens.</summary>
    public const string SignInFailed = "sign-in-failed";
}
