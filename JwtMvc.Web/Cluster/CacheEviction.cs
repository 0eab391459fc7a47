using JwtMvc.Core.Auth;
using JwtMvc.Core.Cluster;

namespace JwtMvc.Web.Cluster;

/// <summary>Evicts from this instance's caches what another instance says is stale.</summary>
internal sealed class CacheEviction(ICacheInvalidation invalidation, SessionCache sessions, UserCache users) : IHostedService, IDisposable
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = invalidation.Subscribe(Evict);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => subscription?.Dispose();

    private void Evict(CacheInvalidation message)
    {
        switch (message.Kind)
        {
            case CacheInvalidationKind.SessionsRevoked:
                foreach (var id in message.Ids)
                {
                    if (Guid.TryParse(id, out var sessionId))
                    {
                        sessions.Evict(sessionId);
                    }
                }

                break;
            case CacheInvalidationKind.UserChanged:
                foreach (var userId in message.Ids)
                {
                    users.Evict(userId);
                }

                break;
            case CacheInvalidationKind.KeysChanged:
                break; // the key ring subscribes itself (KeyRingChangeNotifications)
        }
    }
}
