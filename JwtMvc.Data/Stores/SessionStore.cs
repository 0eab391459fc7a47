using JwtMvc.Core.Auth;
using JwtMvc.Data.Configurations;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Sessions and refresh tokens in <see cref="AppDbContext"/>. Writes that must not race (rotation, revocation)
/// are conditional set-based updates inside a transaction, so they hold across instances sharing one database.
/// Writes to a SQLite file pass <see cref="SqliteWriteGate"/> first: one writer at a time in this process. On SQLite,
/// rotations go through <see cref="SqliteRotationWriter"/>, and their first read through <see cref="SqliteTokenReader"/> (both
/// registered only for that provider).
/// </summary>
internal sealed class SessionStore(AppDbContext db, SqliteRotationWriter? sqliteRotations = null, SqliteTokenReader? sqliteReads = null) : ISessionStore
{
    /// <summary>Ended sessions deleted per transaction by <see cref="DeleteEndedBeforeAsync"/>.</summary>
    internal const int SweepBatchSize = 500;

    // Compiled: a rotation starts with this read (on SQLite, through SqliteTokenReader outside a transaction), and a
    // compiled query skips EF's per-call query-cache lookup. The user's concurrency stamp comes along so that the
    // rotation can reuse this instance's copy of an unchanged user record.
    // TokenHash is unique, so FirstOrDefault is the single row (no LIMIT 2 check needed).
    private static readonly Func<AppDbContext, string, CancellationToken, Task<TokenSessionRow?>> FindTokenWithSessionQuery = EF.CompileAsyncQuery(
        (AppDbContext context, string tokenHash, CancellationToken _) => (
            from token in context.RefreshTokens.AsNoTracking()
            where token.TokenHash == tokenHash
            join session in context.Sessions.AsNoTracking() on token.SessionId equals session.Id into sessions
            from session in sessions.DefaultIfEmpty()
            join user in context.Users on token.UserId equals user.Id into users
            from user in users.DefaultIfEmpty()
            select new TokenSessionRow(token, session, user.ConcurrencyStamp))
            .FirstOrDefault());

    public async Task<bool> CreateAsync(Session session, RefreshToken firstToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(firstToken);
        if (session.Id == Guid.Empty)
        {
            throw new ArgumentException("A session needs an id before it is stored.", nameof(session));
        }

        if (firstToken.SessionId != session.Id || firstToken.UserId != session.UserId)
        {
            throw new ArgumentException("The first refresh token must belong to the session and its user.", nameof(firstToken));
        }

        // Copies: the caller's objects stay untracked, and over-long client strings are cut to the columns.
        var storedSession = new Session
        {
            Id = session.Id,
            UserId = session.UserId,
            CreatedAt = session.CreatedAt,
            LastUsedAt = session.LastUsedAt,
            ExpiresAt = session.ExpiresAt,
            RevokedAt = session.RevokedAt,
            RevokedReason = Truncate(session.RevokedReason, SessionConfiguration.RevokedReasonMaxLength),
            Rotations = session.Rotations,
            IpAddress = Truncate(session.IpAddress, SessionConfiguration.IpAddressMaxLength),
            UserAgent = Truncate(session.UserAgent, SessionConfiguration.UserAgentMaxLength),
            AuthenticationMethods = session.AuthenticationMethods,
        };
        var storedToken = ForStorage(firstToken, replaces: null);

        db.Sessions.Add(storedSession);
        db.RefreshTokens.Add(storedToken);
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The user's foreign key refused the session: the user was deleted while their sign-in was under way.
            if (await db.Users.AsNoTracking().AnyAsync(u => u.Id == storedSession.UserId, CancellationToken.None))
            {
                throw;
            }

            return false;
        }
        finally
        {
            db.Entry(storedToken).State = EntityState.Detached;
            db.Entry(storedSession).State = EntityState.Detached;
        }
    }

    public Task<RefreshToken?> FindTokenByHashAsync(string tokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        return db.RefreshTokens
            .AsNoTracking()
            .SingleOrDefaultAsync(t => t.TokenHash == tokenHash, cancellationToken);
    }

    public async Task<TokenWithSession?> FindTokenWithSessionAsync(string tokenHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokenHash);
        if (sqliteReads is not null && db.Database.CurrentTransaction is null)
        {
            // Its own connection: it could not see this context's uncommitted writes, hence only outside a transaction.
            return await sqliteReads.FindTokenWithSessionAsync(tokenHash, cancellationToken);
        }

        var row = await FindTokenWithSessionQuery(db, tokenHash, cancellationToken);
        return row is null ? null : new TokenWithSession(row.Token, row.Session, row.UserVersion);
    }

    public Task<Session?> FindSessionAsync(Guid sessionId, CancellationToken cancellationToken) =>
        db.Sessions
            .AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);

    public async Task<bool> TryRotateAsync(RefreshToken used, RefreshToken replacement, byte[]? sealedReplacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(used);
        ArgumentNullException.ThrowIfNull(replacement);
        var usedTokenId = used.Id;
        var storedReplacement = ForStorage(replacement, replaces: usedTokenId);
        if (sqliteRotations is not null)
        {
            // Group commit: the rotations queued behind one commit share the next write transaction.
            return await sqliteRotations.RotateAsync(usedTokenId, storedReplacement, sealedReplacement, now, cancellationToken);
        }

        var sessionId = storedReplacement.SessionId;
        return await db.InWriteTransactionAsync(
            async ct =>
            {
                // The session row first, as every revocation locks it before its tokens: taking the tokens first would
                // let a rotation and a revocation of one family deadlock on SQL Server. Touched (its last use, its
                // rotation count) only while the token is unused, so a rotation that loses changes nothing.
                var touched = await db.Sessions
                    .Where(s => s.Id == sessionId
                        && db.RefreshTokens.Any(t => t.Id == usedTokenId && t.SessionId == sessionId && t.UsedAt == null && t.RevokedAt == null))
                    .ExecuteUpdateAsync(setters => setters.SetProperty(s => s.LastUsedAt, now).SetProperty(s => s.Rotations, s => s.Rotations + 1), ct);
                if (touched != 1)
                {
                    return false;
                }

                // The claim: of all concurrent rotations of one token, on any instance, exactly one changes the row.
                var claimed = await db.RefreshTokens
                    .Where(t => t.Id == usedTokenId
                        && t.SessionId == sessionId
                        && t.UsedAt == null
                        && t.RevokedAt == null)
                    .ExecuteUpdateAsync(
                        setters => setters
                            .SetProperty(t => t.UsedAt, now)
                            .SetProperty(t => t.ReplacedByHash, storedReplacement.TokenHash)
                            .SetProperty(t => t.SealedReplacement, sealedReplacement),
                        ct);
                if (claimed != 1)
                {
                    return false; // rolled back: the session's last use stays the winner's
                }

                db.RefreshTokens.Add(storedReplacement);
                var savepoints = db.Database.AutoSavepointsEnabled;
                db.Database.AutoSavepointsEnabled = false; // the whole transaction rolls back on failure; a savepoint adds two statements
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                finally
                {
                    db.Database.AutoSavepointsEnabled = savepoints;
                    db.Entry(storedReplacement).State = EntityState.Detached;
                }

                // The used token's own predecessor may no longer be retried (its successor is now used): its sealed copy goes.
                await db.RefreshTokens
                    .Where(t => (Guid?)t.Id == db.RefreshTokens.Where(u => u.Id == usedTokenId).Select(u => u.ReplacesId).FirstOrDefault()
                        && t.SealedReplacement != null)
                    .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.SealedReplacement, (byte[]?)null), ct);

                return true;
            },
            cancellationToken,
            commitIf: rotated => rotated);
    }

    public async Task<bool> RevokeSessionAsync(Guid sessionId, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var storedReason = Truncate(reason, SessionConfiguration.RevokedReasonMaxLength);

        return await db.InWriteTransactionAsync(
            async ct =>
            {
                var revoked = await db.Sessions
                    .Where(s => s.Id == sessionId && s.RevokedAt == null && s.ExpiresAt > now)
                    .ExecuteUpdateAsync(
                        setters => setters
                            .SetProperty(s => s.RevokedAt, now)
                            .SetProperty(s => s.RevokedReason, storedReason),
                        ct);

                // Always, even for a session that had already ended: no token of the family may stay usable.
                await db.RefreshTokens
                    .Where(t => t.SessionId == sessionId && t.RevokedAt == null)
                    .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.SealedReplacement, (byte[]?)null), ct);

                return revoked == 1;
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<Guid>> RevokeUserSessionsAsync(
        string userId,
        DateTimeOffset now,
        string reason,
        Guid? exceptSessionId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(reason);
        var storedReason = Truncate(reason, SessionConfiguration.RevokedReasonMaxLength);

        return await db.InWriteTransactionAsync(
            ct =>
            {
                var active = ActiveSessionsOf(userId, now);
                if (exceptSessionId is { } kept)
                {
                    active = active.Where(s => s.Id != kept);
                }

                return RevokeSelectedAsync(active, now, storedReason, ct);
            },
            cancellationToken);
    }

    public async Task<SessionLimitResult> RevokeSessionsBeyondAsync(
        string userId,
        int keep,
        Guid keptSessionId,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);

        // A read first, of at most keep + 1 ids: a sign-in within the limit, the usual case, takes no write lock for
        // this. It also tells whether the kept session is still active, since it ranks first when it is.
        var first = await RankedForTheLimit(userId, keptSessionId, now).Select(s => s.Id).Take(keep + 1).ToListAsync(cancellationToken);
        if (first.Count <= keep)
        {
            return first.Count > 0 && first[0] == keptSessionId ? SessionLimitResult.WithinLimit : new SessionLimitResult([], KeptSessionActive: false);
        }

        // Decided again under the lock: a concurrent sign-in may have revoked the kept session meanwhile, and then only
        // the rest count.
        return await db.InWriteTransactionAsync(
            async ct =>
            {
                var keptActive = await ActiveSessionsOf(userId, now).AnyAsync(s => s.Id == keptSessionId, ct);
                var revoked = await RevokeSelectedAsync(
                    RankedForTheLimit(userId, keptSessionId, now).Skip(keep), now, SessionRevocationReasons.SessionLimit, ct);
                return new SessionLimitResult(revoked, keptActive);
            },
            cancellationToken);
    }

    /// <summary>A user's active sessions, the kept one first, then the most recently used: the limit keeps the first ones.</summary>
    private IOrderedQueryable<Session> RankedForTheLimit(string userId, Guid keptSessionId, DateTimeOffset now) =>
        ActiveSessionsOf(userId, now)
            .OrderByDescending(s => s.Id == keptSessionId)
            .ThenByDescending(s => s.LastUsedAt)
            .ThenByDescending(s => s.CreatedAt);

    public async Task<IReadOnlyList<Session>> ListActiveSessionsAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return await ActiveSessionsOf(userId, now)
            .OrderByDescending(s => s.LastUsedAt)
            .ToListAsync(cancellationToken);
    }

    public async Task<int> DeleteEndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // A batch per transaction: on SQLite every other writer waits for the one that holds the file.
        var deleted = 0;
        int batch;
        do
        {
            batch = await db.InWriteTransactionAsync(
                async ct =>
                {
                    var ended = await EndedBefore(db, cutoff).Take(SweepBatchSize).ToListAsync(ct);
                    await db.RefreshTokens.Where(t => ended.Contains(t.SessionId)).ExecuteDeleteAsync(ct);
                    return await db.Sessions.Where(s => ended.Contains(s.Id)).ExecuteDeleteAsync(ct);
                },
                cancellationToken);
            deleted += batch;
        }
        while (batch == SweepBatchSize);

        return deleted;
    }

    private IQueryable<Session> ActiveSessionsOf(string userId, DateTimeOffset now) => ActiveSessionsOf(db, userId, now);

    /// <summary>The sessions that expired or were revoked before <paramref name="cutoff"/>: what the sweep deletes (its indexes are tested).</summary>
    internal static IQueryable<Guid> EndedBefore(AppDbContext db, DateTimeOffset cutoff) =>
        db.Sessions.Where(s => s.ExpiresAt < cutoff || s.RevokedAt < cutoff).Select(s => s.Id);

    /// <summary>A user's active sessions: the query the session limit counts with on every sign-in (its index is tested).</summary>
    internal static IQueryable<Session> ActiveSessionsOf(AppDbContext db, string userId, DateTimeOffset now) =>
        db.Sessions.AsNoTracking().Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now);

    /// <summary>Inside a write transaction: revokes the sessions <paramref name="selected"/> finds, with every token of their families; returns their ids.</summary>
    private async Task<IReadOnlyList<Guid>> RevokeSelectedAsync(IQueryable<Session> selected, DateTimeOffset now, string? storedReason, CancellationToken ct)
    {
        var sessionIds = await selected.Select(s => s.Id).ToListAsync(ct);
        if (sessionIds.Count == 0)
        {
            return [];
        }

        await db.Sessions
            .Where(s => sessionIds.Contains(s.Id) && s.RevokedAt == null)
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(s => s.RevokedAt, now)
                    .SetProperty(s => s.RevokedReason, storedReason),
                ct);
        await db.RefreshTokens
            .Where(t => sessionIds.Contains(t.SessionId) && t.RevokedAt == null)
            .ExecuteUpdateAsync(setters => setters.SetProperty(t => t.RevokedAt, now).SetProperty(t => t.SealedReplacement, (byte[]?)null), ct);

        return sessionIds;
    }

    /// <summary>A copy to store: the store records which token it replaces (null for a session's first).</summary>
    private static RefreshToken ForStorage(RefreshToken token, Guid? replaces) => new()
    {
        Id = token.Id,
        ReplacesId = replaces,
        TokenHash = token.TokenHash,
        SessionId = token.SessionId,
        UserId = token.UserId,
        CreatedAt = token.CreatedAt,
        ExpiresAt = token.ExpiresAt,
        UsedAt = token.UsedAt,
        RevokedAt = token.RevokedAt,
        ReplacedByHash = token.ReplacedByHash,
        SealedReplacement = token.SealedReplacement,
        IpAddress = Truncate(token.IpAddress, SessionConfiguration.IpAddressMaxLength),
        UserAgent = Truncate(token.UserAgent, SessionConfiguration.UserAgentMaxLength),
    };

    private static string? Truncate(string? value, int maxLength) =>
        value is { Length: var length } && length > maxLength ? value[..maxLength] : value;

    private sealed record TokenSessionRow(RefreshToken Token, Session? Session, string? UserVersion);
}
