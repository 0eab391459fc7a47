namespace JwtMvc.Core.Cluster;

/// <summary>
/// Tells the other instances that an answer they may have cached is stale, and hears what they tell. One
/// instance alone (no <c>Redis:Configuration</c>) has nobody to tell: <see cref="InProcessCacheInvalidation"/>.
/// With Redis it is a pub/sub channel. Delivery is best effort: a message lost while Redis is down costs at most
/// the <c>Jwt:SessionCheckSeconds</c> every cache entry is limited to anyway, so no caller waits on it or fails.
/// </summary>
public interface ICacheInvalidation
{
    /// <summary>
    /// Sends <paramref name="invalidation"/> to the other instances. Returns at once and never throws; the caller
    /// evicts this instance's own caches itself.
    /// </summary>
    void Publish(CacheInvalidation invalidation);

    /// <summary>Calls <paramref name="handler"/> with every invalidation published by another instance, until disposed.</summary>
    IDisposable Subscribe(Action<CacheInvalidation> handler);
}

/// <summary>What became stale.</summary>
public enum CacheInvalidationKind
{
    /// <summary>Sessions were revoked; <see cref="CacheInvalidation.Ids"/> are their ids.</summary>
    SessionsRevoked,

    /// <summary>A user's record changed (or the user was deleted); <see cref="CacheInvalidation.Ids"/> holds the user id.</summary>
    UserChanged,

    /// <summary>The signing key ring changed (rotation, revocation); reload it. No ids.</summary>
    KeysChanged,
}

/// <summary>One message on the invalidation channel.</summary>
public sealed record CacheInvalidation(CacheInvalidationKind Kind, IReadOnlyList<string> Ids)
{
    public static CacheInvalidation SessionsRevoked(IEnumerable<Guid> sessionIds) =>
        new(CacheInvalidationKind.SessionsRevoked, [.. sessionIds.Select(id => id.ToString("D"))]);

    public static CacheInvalidation UserChanged(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return new(CacheInvalidationKind.UserChanged, [userId]);
    }

    public static CacheInvalidation KeysChanged { get; } = new(CacheInvalidationKind.KeysChanged, []);
}

/// <summary>For the signing key ring: tell the other instances it changed, and hear when they change it.</summary>
public static class KeyRingChangeNotifications
{
    /// <summary>Call after a rotation or revocation is committed; every other instance's subscribers run within about a second.</summary>
    public static void PublishKeysChanged(this ICacheInvalidation invalidation)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        invalidation.Publish(CacheInvalidation.KeysChanged);
    }

    /// <summary>Runs <paramref name="reload"/> whenever another instance changed the key ring.</summary>
    public static IDisposable SubscribeKeysChanged(this ICacheInvalidation invalidation, Action reload)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        ArgumentNullException.ThrowIfNull(reload);
        return invalidation.Subscribe(message =>
        {
            if (message.Kind == CacheInvalidationKind.KeysChanged)
            {
                reload();
            }
        });
    }
}

/// <summary>One instance: there is nobody else to tell, and nobody tells it anything.</summary>
public sealed class InProcessCacheInvalidation : ICacheInvalidation
{
    public void Publish(CacheInvalidation invalidation) => ArgumentNullException.ThrowIfNull(invalidation);

    public IDisposable Subscribe(Action<CacheInvalidation> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return NoSubscription.Instance;
    }

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
