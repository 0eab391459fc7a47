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
}
