using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Answers "is this session still active?" for every authenticated request, from a short cache in front
/// of the store, and revokes sessions, evicting them from this instance's cache at once.
/// Other instances notice within <see cref="JwtOptions.SessionCheckSeconds"/>.
/// </summary>
public sealed class SessionService(ISessionStore store, IOptions<JwtOptions> options, TimeProvider clock)
{
    private const int PurgeThreshold = 10_000;

    private readonly ConcurrentDictionary<Guid, CachedState> cache = new();
    private readonly long cacheTicks = TimeSpan.FromSeconds(options.Value.SessionCheckSeconds).Ticks;

    public ValueTask<bool> IsActiveAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (cache.TryGetValue(sessionId, out var cached) && now.UtcTicks < cached.FreshUntilTicks)
        {
            return ValueTask.FromResult(cached.Active && now < cached.ExpiresAt);
        }

        return new ValueTask<bool>(LoadAsync(sessionId, now, cancellationToken));
    }

    public async Task<bool> RevokeAsync(Guid sessionId, string reason, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeSessionAsync(sessionId, clock.GetUtcNow(), reason, cancellationToken);
        cache.TryRemove(sessionId, out _);
        return revoked;
    }

    /// <summary>Revokes every session of a user, but <paramref name="exceptSessionId"/> when given.</summary>
    public async Task<int> RevokeAllAsync(string userId, string reason, CancellationToken cancellationToken, Guid? exceptSessionId = null)
    {
        var revoked = await store.RevokeUserSessionsAsync(userId, clock.GetUtcNow(), reason, exceptSessionId, cancellationToken);
        foreach (var id in revoked)
        {
            cache.TryRemove(id, out _);
        }

        return revoked.Count;
    }

    private async Task<bool> LoadAsync(Guid sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var session = await store.FindSessionAsync(sessionId, cancellationToken);
        var state = new CachedState(
            session is not null && session.RevokedAt is null,
            session?.ExpiresAt ?? DateTimeOffset.MinValue,
            now.UtcTicks + cacheTicks);
        if (cache.Count >= PurgeThreshold)
        {
            Purge(now.UtcTicks);
        }

        cache[sessionId] = state;
        return state.Active && now < state.ExpiresAt;
    }

    private void Purge(long nowTicks)
    {
        foreach (var entry in cache)
        {
            if (entry.Value.FreshUntilTicks <= nowTicks)
            {
                cache.TryRemove(entry.Key, out _);
            }
        }
    }

    private readonly record struct CachedState(bool Active, DateTimeOffset ExpiresAt, long FreshUntilTicks);
}
