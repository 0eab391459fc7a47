using System.Collections.Concurrent;

namespace JwtMvc.Core.Auth;

/// <summary>
/// An instance's short memory: an entry is trusted for a fixed time after it was read, then read again.
/// Bounded by purging stale entries once it grows large. A lifetime of zero turns it off.
/// </summary>
public sealed class FreshnessCache<TKey, TValue>(TimeSpan freshFor, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private const int PurgeThreshold = 10_000;

    private readonly ConcurrentDictionary<TKey, Entry> entries = new(comparer);
    private readonly long freshTicks = freshFor.Ticks;

    public bool TryGet(TKey key, DateTimeOffset now, out TValue value)
    {
        if (entries.TryGetValue(key, out var entry) && now.UtcTicks < entry.FreshUntilTicks)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The entry however old, for a caller that checks its currency itself (a version it holds).</summary>
    public bool TryGetAnyAge(TKey key, out TValue value)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value, DateTimeOffset now)
    {
        if (freshTicks == 0)
        {
            return;
        }

        if (entries.Count >= PurgeThreshold)
        {
            Purge(now.UtcTicks);
        }

        entries[key] = new Entry(value, now.UtcTicks + freshTicks);
    }

    public void Evict(TKey key) => entries.TryRemove(key, out _);

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

    private readonly record struct Entry(TValue Value, long FreshUntilTicks);
}
