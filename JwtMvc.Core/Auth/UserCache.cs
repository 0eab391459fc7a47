using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// This instance's short memory of user records, so that reading "who am I" on every page does not cost a
/// database round trip. Trusted for <see cref="JwtOptions.SessionCheckSeconds"/>, the staleness the session
/// check already accepts; changes made through Identity on this instance evict at once. Never used where a
/// decision needs the current record (a refresh rebuilds claims from the store).
/// </summary>
public sealed class UserCache(IOptions<JwtOptions> options)
{
    private const int PurgeThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly long freshTicks = TimeSpan.FromSeconds(options.Value.SessionCheckSeconds).Ticks;

    public bool TryGet(string userId, DateTimeOffset now, out AuthUser? user)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (entries.TryGetValue(userId, out var entry) && now.UtcTicks < entry.FreshUntilTicks)
        {
            user = entry.User;
            return true;
        }

        user = null;
        return false;
    }

    /// <summary>Remembers <paramref name="user"/> (null: no such user) as read at <paramref name="now"/>.</summary>
    public void Set(string userId, AuthUser? user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (freshTicks == 0)
        {
            return;
        }

        if (entries.Count >= PurgeThreshold)
        {
            var nowTicks = now.UtcTicks;
            foreach (var entry in entries)
            {
                if (entry.Value.FreshUntilTicks <= nowTicks)
                {
                    entries.TryRemove(entry.Key, out _);
                }
            }
        }

        entries[userId] = new Entry(user, now.UtcTicks + freshTicks);
    }

    public void Evict(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        entries.TryRemove(userId, out _);
    }

    private sealed record Entry(AuthUser? User, long FreshUntilTicks);
}
