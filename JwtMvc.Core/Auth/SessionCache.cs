using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// This instance's short memory of session states, so the per-request check rarely reaches the store.
/// Entries are trusted for <see cref="JwtOptions.SessionCheckSeconds"/>; revocations here evict at once.
/// </summary>
public sealed class SessionCache(IOptions<JwtOptions> options)
{
    private const int PurgeThreshold = 10_000;

    private readonly ConcurrentDictionary<Guid, Entry> entries = new();
    private readonly long freshTicks = TimeSpan.FromSeconds(options.Value.SessionCheckSeconds).Ticks;

    /// <summary>True when a fresh entry answered; <paramref name="active"/> is then the session's state at <paramref name="now"/>.</summary>
    public bool TryGet(Guid sessionId, DateTimeOffset now, out bool active)
    {
        if (entries.TryGetValue(sessionId, out var entry) && now.UtcTicks < entry.FreshUntilTicks)
        {
            active = entry.Revoked is false && now < entry.ExpiresAt;
            return true;
        }

        active = false;
        return false;
    }

    public bool Set(Guid sessionId, Session? session, DateTimeOffset now)
    {
        if (entries.Count >= PurgeThreshold)
        {
            Purge(now.UtcTicks);
        }

        var entry = new Entry(session is null || session.RevokedAt is not null, session?.ExpiresAt ?? DateTimeOffset.MinValue, now.UtcTicks + freshTicks);
        entries[sessionId] = entry;
        return !entry.Revoked && now < entry.ExpiresAt;
    }

    public void Evict(Guid sessionId) => entries.TryRemove(sessionId, out _);

    private void Purge(long nowTicks)
    {
        foreach (var entry in entries)
        {
            if (entry.Value.FreshUntilTicks <= nowTicks)
            {
                entries.TryRemove(entry.Key, out _);
            }
        }
    }

    private readonly record struct Entry(bool Revoked, DateTimeOffset ExpiresAt, long FreshUntilTicks);
}
