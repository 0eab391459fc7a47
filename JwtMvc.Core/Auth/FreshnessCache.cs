using System.Collections.Concurrent;
using JwtMvc.Core.Concurrency;

namespace JwtMvc.Core.Auth;

/// <summary>
/// An instance's short memory: an entry is trusted for a fixed time after it was read, then read again.
/// Holds at most <c>capacity</c> entries: when full, stale entries are swept out (at most once per
/// <see cref="FreshnessCache.SweepInterval"/>), and while it stays full of fresh ones a new key is not stored. A lifetime of zero turns
/// it off.
/// </summary>
/// <remarks>
/// An eviction wins over a value that was read before it and stored after it: a caller reads <see cref="Generation"/>
/// before it reads the value from the store and hands it to <see cref="Set"/>, which stores nothing when any eviction
/// happened in between.
/// </remarks>
public sealed class FreshnessCache<TKey, TValue>(TimeSpan freshFor, IEqualityComparer<TKey>? comparer = null, int capacity = FreshnessCache.DefaultCapacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> entries = new(comparer);
    private readonly long freshTicks = freshFor.Ticks;
    private readonly SweepSchedule sweeps = new(FreshnessCache.SweepInterval);
    private long evictions;

    public int Count => entries.Count;

    internal long Sweeps => sweeps.Sweeps;

    /// <summary>Changes with every eviction; read it before reading what <see cref="Set"/> will store.</summary>
    public long Generation => Interlocked.Read(ref evictions);

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

    /// <summary>
    /// Stores <paramref name="value"/>, read at <paramref name="now"/>, unless an eviction happened since
    /// <paramref name="readAtGeneration"/> (the <see cref="Generation"/> before the read): the value may then be the
    /// one the eviction was for. Evictions are rare (revocations, changed users), so skipping then costs one more read.
    /// </summary>
    public void Set(TKey key, TValue value, DateTimeOffset now, long readAtGeneration)
    {
        if (freshTicks == 0 || Generation != readAtGeneration)
        {
            return;
        }

        if (entries.Count >= capacity && !entries.ContainsKey(key) && (!TrySweepStale(now) || entries.Count >= capacity))
        {
            return; // full of fresh entries: read the store every time rather than grow (or walk them on every miss)
        }

        var entry = new Entry(value, now.UtcTicks + freshTicks);
        entries[key] = entry;

        // An eviction between the check above and the write has already run its removal: take the entry out again.
        if (Generation != readAtGeneration)
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    public void Evict(TKey key)
    {
        // Counted first, so that a Set that wrote after this removal sees the count and removes its own entry.
        Interlocked.Increment(ref evictions);
        entries.TryRemove(key, out _);
    }

    private bool TrySweepStale(DateTimeOffset now)
    {
        if (!sweeps.TryStart(now))
        {
            return false;
        }

        foreach (var entry in entries)
        {
            if (entry.Value.FreshUntilTicks <= now.UtcTicks)
            {
                entries.TryRemove(entry);
            }
        }

        return true;
    }

    private readonly record struct Entry(TValue Value, long FreshUntilTicks);
}

/// <summary>The bounds every <see cref="FreshnessCache{TKey, TValue}"/> shares.</summary>
public static class FreshnessCache
{
    public const int DefaultCapacity = 10_000;

    /// <summary>How often at most a full cache walks its entries for stale ones.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
}
