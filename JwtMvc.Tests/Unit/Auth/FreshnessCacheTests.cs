using JwtMvc.Core.Auth;

namespace JwtMvc.Tests.Unit.Auth;

/// <summary>The short cache under the session check and the user records: freshness, and evictions that win.</summary>
public sealed class FreshnessCacheTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_value_is_fresh_for_its_lifetime_and_then_read_again()
    {
        var cache = new FreshnessCache<string, int>(TimeSpan.FromSeconds(30));

        cache.Set("a", 1, Now, cache.Generation);

        Assert.That(cache.TryGet("a", Now.AddSeconds(29), out var value) && value == 1, Is.True);
        Assert.That(cache.TryGet("a", Now.AddSeconds(30), out _), Is.False);
    }

    [Test]
    public void A_value_read_before_an_eviction_is_not_stored_after_it()
    {
        var cache = new FreshnessCache<string, int>(TimeSpan.FromSeconds(30));
        var generation = cache.Generation; // the caller starts its read

        cache.Evict("a"); // a revocation commits meanwhile
        cache.Set("a", 1, Now, generation); // the read's result arrives

        Assert.That(cache.TryGet("a", Now, out _), Is.False, "the stale read must not be trusted");
        cache.Set("a", 2, Now, cache.Generation);
        Assert.That(cache.TryGet("a", Now, out var value) && value == 2, Is.True, "a read that began after the eviction is stored");
    }

    [Test]
    public void A_full_cache_of_fresh_entries_stores_no_new_key_and_walks_its_entries_at_most_once_a_second()
    {
        var cache = new FreshnessCache<string, int>(TimeSpan.FromSeconds(30), capacity: 3);
        foreach (var key in new[] { "a", "b", "c" })
        {
            cache.Set(key, 1, Now, cache.Generation);
        }

        for (var i = 0; i < 20; i++)
        {
            cache.Set("new" + i, 1, Now, cache.Generation);
        }

        Assert.That(cache.Count, Is.EqualTo(3), "bounded");
        Assert.That(cache.Sweeps, Is.EqualTo(1), "twenty misses, one walk");
        Assert.That(cache.TryGet("new0", Now, out _), Is.False);
        cache.Set("a", 2, Now, cache.Generation);
        Assert.That(cache.TryGet("a", Now, out var refreshed) && refreshed == 2, Is.True, "a key it holds is still updated");

        cache.Set("later", 1, Now + FreshnessCache.SweepInterval, cache.Generation);
        Assert.That(cache.Sweeps, Is.EqualTo(2), "a second later, one more walk");
    }

    [Test]
    public void A_full_cache_makes_room_by_sweeping_out_stale_entries()
    {
        var cache = new FreshnessCache<string, int>(TimeSpan.FromSeconds(30), capacity: 2);
        cache.Set("a", 1, Now, cache.Generation);
        cache.Set("b", 1, Now.AddSeconds(20), cache.Generation);

        cache.Set("c", 1, Now.AddSeconds(40), cache.Generation); // "a" is stale by now, "b" is not

        Assert.That(cache.TryGet("c", Now.AddSeconds(40), out _), Is.True);
        Assert.That(cache.TryGet("b", Now.AddSeconds(40), out _), Is.True);
        Assert.That(cache.TryGetAnyAge("a", out _), Is.False, "the stale entry was swept out");
    }
}
