namespace JwtMvc.Core.Security;

/// <summary>
/// One security-relevant event: a sign-in, a failed one, a lockout, refresh-token reuse, a revocation, a
/// password change, a key rotation or revocation. Names are copied so the record outlives the user. <see cref="Detail"/>
/// never holds a secret (no password, no token).
/// </summary>
public sealed class SecurityEvent
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>One of <see cref="SecurityEventTypes"/>.</summary>
    public required string Type { get; init; }

    public string? UserId { get; init; }

    /// <summary>The user's name, or for a failed sign-in the name that was tried.</summary>
    public string? UserName { get; init; }

    public string? IpAddress { get; init; }

    public string? Detail { get; init; }
}

/// <summary>The kinds of <see cref="SecurityEvent"/>.</summary>
public static class SecurityEventTypes
{
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string Lockout = "lockout";
    public const string RefreshReuse = "refresh-reuse";
    public const string SessionRevoked = "session-revoked";
    public const string PasswordChanged = "password-changed";
    public const string EmailChanged = "email-changed";
    public const string TwoFactor = "two-factor";
    public const string Passkey = "passkey";

    /// <summary>A signing key was created: by the schedule, as the first key, or by an admin's "rotate now".</summary>
    public const string KeyRotated = "key-rotated";

    /// <summary>A signing key was revoked (a suspected leak): kept apart from rotation, which is routine.</summary>
    public const string KeyRevoked = "key-revoked";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        SignIn, SignInFailed, Lockout, RefreshReuse, SessionRevoked, PasswordChanged, EmailChanged, TwoFactor, Passkey, KeyRotated, KeyRevoked,
    };
}

/// <summary>Where security events are kept. Implemented in JwtMvc.Data.</summary>
public interface ISecurityEventStore
{
    Task AddAsync(SecurityEvent securityEvent, CancellationToken cancellationToken);

    /// <summary>The time and type of every event of <paramref name="types"/> at or after <paramref name="from"/>, streamed.</summary>
    IAsyncEnumerable<(DateTimeOffset At, string Type)> StreamTimesAsync(DateTimeOffset from, IReadOnlyCollection<string> types, CancellationToken cancellationToken);

    /// <summary>One page, newest first, of the events that match the filters (null: any).</summary>
    Task<(IReadOnlyList<SecurityEvent> Items, int TotalCount)> ListAsync(string? type, string? userId, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Deletes the events before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>Details of <see cref="SecurityEventTypes.SignInFailed"/> events that more than one kind of sign-in records.</summary>
public static class SignInFailures
{
    /// <summary>The user changed (a new password, a lock, roles, two-factor) while the sign-in was under way.</summary>
    public const string UserChanged = "account changed during sign-in";

    /// <summary>A concurrent sign-in of the same account, at the session limit, revoked this one's new session first.</summary>
    public const string SessionLimitRace = "session ended at once by a concurrent sign-in (session limit)";
}
