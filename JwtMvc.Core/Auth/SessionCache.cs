using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// This instance's short memory of session states, so the per-request check rarely reaches the store.
/// Entries are trusted for <see cref="JwtOptions.SessionCheckSeconds"/>; revocations here evict at once.
/// </summary>
public sealed class SessionCache(IOptions<JwtOptions> options)
{
    private readonly FreshnessCache<Guid, SessionState> states = new(TimeSpan.FromSeconds(options.Value.SessionCheckSeconds));

    /// <summary>
    /// True when a fresh entry answered; <paramref name="active"/> is then whether the session is active at
    /// <paramref name="now"/> and belongs to <paramref name="userId"/>.
    /// </summary>
    public bool TryGet(Guid sessionId, string userId, DateTimeOffset now, out bool active)
    {
        var found = states.TryGet(sessionId, now, out var state);
        active = found && state.IsActiveFor(userId, now);
        return found;
    }

    /// <summary>Changes with every eviction: read it before reading a session from the store (see <see cref="Set"/>).</summary>
    public long Generation => states.Generation;

    /// <summary>
    /// Remembers what the store said of a session (null: unknown), unless a session was evicted since
    /// <paramref name="readAtGeneration"/>, and answers whether it is active for <paramref name="userId"/>.
    /// </summary>
    public bool Set(Guid sessionId, string userId, Session? session, DateTimeOffset now, long readAtGeneration)
    {
        var state = new SessionState(session?.UserId, session is null || session.RevokedAt is not null, session?.ExpiresAt ?? DateTimeOffset.MinValue);
        states.Set(sessionId, state, now, readAtGeneration);
        return state.IsActiveFor(userId, now);
    }

    public void Evict(Guid sessionId) => states.Evict(sessionId);

    private readonly record struct SessionState(string? UserId, bool Revoked, DateTimeOffset ExpiresAt)
    {
        public bool IsActiveFor(string userId, DateTimeOffset now) =>
            !Revoked && now < ExpiresAt && UserId is not null && string.Equals(UserId, userId, StringComparison.Ordinal);
    }
}
