namespace JwtMvc.Core.Auth;

/// <summary>Persistence of sessions and their refresh tokens. Implemented in JwtMvc.Data.</summary>
public interface ISessionStore
{
    /// <summary>Stores a new session with the first refresh token of its family; false, storing nothing, when its user is gone.</summary>
    Task<bool> CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken);

    Task<RefreshToken?> FindTokenByHashAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// The token with <paramref name="tokenHash"/>, its session and its user's version, read together in one query (what
    /// a rotation needs first). Null when there is no such token; <see cref="TokenWithSession.Session"/> is null when its
    /// session is gone, <see cref="TokenWithSession.UserVersion"/> when its user is.
    /// </summary>
    Task<TokenWithSession?> FindTokenWithSessionAsync(string tokenHash, CancellationToken cancellationToken);

    Task<Session?> FindSessionAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically marks <paramref name="used"/> used, records its replacement (the hash, and
    /// <paramref name="sealedReplacement"/> when the retry window is on), stores <paramref name="replacement"/>,
    /// forgets the sealed copy of <paramref name="used"/> kept by its own predecessor, and touches the session.
    /// Returns false, changing nothing, when the token had already been used or revoked: of several concurrent
    /// rotations of one token exactly one returns true.
    /// </summary>
    Task<bool> TryRotateAsync(RefreshToken used, RefreshToken replacement, byte[]? sealedReplacement, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Revokes a session and every token of its family (forgetting their sealed replacements). Returns false when it was not active.</summary>
    Task<bool> RevokeSessionAsync(Guid sessionId, DateTimeOffset now, string reason, CancellationToken cancellationToken);

    /// <summary>Revokes every active session of a user but <paramref name="exceptSessionId"/>; returns their ids.</summary>
    Task<IReadOnlyList<Guid>> RevokeUserSessionsAsync(string userId, DateTimeOffset now, string reason, Guid? exceptSessionId, CancellationToken cancellationToken);

    /// <summary>
    /// When <paramref name="userId"/> has more than <paramref name="keep"/> active sessions, revokes the least recently
    /// used beyond that number, never <paramref name="keptSessionId"/>, with every token of their families (reason
    /// <see cref="SessionRevocationReasons.SessionLimit"/>); answers their ids, and whether
    /// <paramref name="keptSessionId"/> is still active (a concurrent sign-in's limit may have revoked it first).
    /// </summary>
    Task<SessionLimitResult> RevokeSessionsBeyondAsync(string userId, int keep, Guid keptSessionId, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<Session>> ListActiveSessionsAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the sessions that expired or were revoked before <paramref name="cutoff"/>, with their refresh tokens; returns how many sessions.</summary>
    Task<int> DeleteEndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}

/// <summary>
/// A stored refresh token, the session it belongs to (null when that row is gone), and the version of its user's record
/// at the time of the read (see <see cref="IUserReader.FindCurrentAsync"/>; null when the user is gone).
/// </summary>
public sealed record TokenWithSession(RefreshToken Token, Session? Session, string? UserVersion);

/// <summary>What keeping a user within the session limit did: the sessions it revoked, and whether the kept one is still active.</summary>
public sealed record SessionLimitResult(IReadOnlyList<Guid> Revoked, bool KeptSessionActive)
{
    /// <summary>Nothing revoked, the kept session active: the usual sign-in, within the limit.</summary>
    public static SessionLimitResult WithinLimit { get; } = new([], KeptSessionActive: true);
}
