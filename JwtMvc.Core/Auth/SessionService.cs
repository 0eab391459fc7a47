using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Security;
using JwtMvc.Core.Cluster;

using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Answers "is this session still active?" for every authenticated request, through this instance's
/// <see cref="SessionCache"/>, and revokes sessions, evicting them from that cache at once and telling the other
/// instances through <see cref="ICacheInvalidation"/>. Without Redis (or while it is down) other instances notice
/// within <see cref="JwtOptions.SessionCheckSeconds"/>. A revocation takes no cancellation token: it follows a change
/// that has committed (a new password, a lock, reuse detected), and a client that goes away meanwhile must not leave
/// the sessions usable.
/// </summary>
public sealed class SessionService(
    ISessionStore store, SessionCache cache, TimeProvider clock, ICacheInvalidation invalidation, JwtMvcMetrics metrics, ISecurityEventLog events, IOptions<JwtOptions> options)
{
    /// <summary>
    /// True when the session is active and belongs to <paramref name="userId"/>: a token whose <c>sid</c> names
    /// another user's session is refused as if the session had ended.
    /// </summary>
    public ValueTask<bool> IsActiveAsync(Guid sessionId, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = clock.GetUtcNow();
        return cache.TryGet(sessionId, userId, now, out var active)
            ? ValueTask.FromResult(active)
            : new ValueTask<bool>(LoadAsync(sessionId, userId, now, cancellationToken));
    }

    public async Task<bool> RevokeAsync(Guid sessionId, string reason)
    {
        var revoked = await store.RevokeSessionAsync(sessionId, clock.GetUtcNow(), reason, CancellationToken.None);
        cache.Evict(sessionId);
        invalidation.Publish(CacheInvalidation.SessionsRevoked([sessionId]));
        if (revoked)
        {
            metrics.Revoked(reason, 1);
            await events.RecordAsync(SecurityEventTypes.SessionRevoked, null, null, null, $"session {sessionId}: {reason}", CancellationToken.None);
        }

        return revoked;
    }

    /// <summary>Revokes every session of a user, but <paramref name="exceptSessionId"/> when given.</summary>
    public async Task<int> RevokeAllAsync(string userId, string reason, Guid? exceptSessionId = null)
    {
        var revoked = await store.RevokeUserSessionsAsync(userId, clock.GetUtcNow(), reason, exceptSessionId, CancellationToken.None);
        return await EndedAsync(userId, revoked, reason);
    }

    /// <summary>
    /// For sessions of a user that the store has already ended (deleted with the user): evicts them here, tells the
    /// other instances, and counts and records them as revoked; answers how many.
    /// </summary>
    public async Task<int> EndedAsync(string userId, IReadOnlyList<Guid> sessionIds, string reason)
    {
        foreach (var id in sessionIds)
        {
            cache.Evict(id);
        }

        if (sessionIds.Count > 0)
        {
            invalidation.Publish(CacheInvalidation.SessionsRevoked(sessionIds));
            metrics.Revoked(reason, sessionIds.Count);
            await events.RecordAsync(SecurityEventTypes.SessionRevoked, userId, null, null, $"{sessionIds.Count} session(s): {reason}", CancellationToken.None);
        }

        return sessionIds.Count;
    }

    /// <summary>
    /// Keeps <paramref name="userId"/> within <see cref="JwtOptions.MaxSessionsPerUser"/> after a session started:
    /// revokes the least recently used sessions beyond it, never <paramref name="newSessionId"/>. False when
    /// <paramref name="newSessionId"/> itself is no longer active: a concurrent sign-in's limit revoked it first.
    /// </summary>
    public async Task<bool> EnforceLimitAsync(string userId, Guid newSessionId, CancellationToken cancellationToken)
    {
        var result = await store.RevokeSessionsBeyondAsync(
            userId, options.Value.MaxSessionsPerUser, newSessionId, clock.GetUtcNow(), cancellationToken);
        await EndedAsync(userId, result.Revoked, SessionRevocationReasons.SessionLimit);
        return result.KeptSessionActive;
    }

    public Task<IReadOnlyList<Session>> ListActiveAsync(string userId, CancellationToken cancellationToken) =>
        store.ListActiveSessionsAsync(userId, clock.GetUtcNow(), cancellationToken);

    /// <summary>Deletes the sessions that ended more than <see cref="JwtOptions.EndedSessionRetentionDays"/> ago, with their tokens; returns how many.</summary>
    public Task<int> SweepEndedAsync(CancellationToken cancellationToken) =>
        store.DeleteEndedBeforeAsync(clock.GetUtcNow() - TimeSpan.FromDays(options.Value.EndedSessionRetentionDays), cancellationToken);

    private async Task<bool> LoadAsync(Guid sessionId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Before the read: a revocation that evicts while the read is under way must not be undone by its result.
        var generation = cache.Generation;
        return cache.Set(sessionId, userId, await store.FindSessionAsync(sessionId, cancellationToken), now, generation);
    }
}
