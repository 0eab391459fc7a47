using JwtMvc.Core.Auth;
using JwtMvc.Core.Cluster;

namespace JwtMvc.Web.Cluster;

/// <summary>
/// Evicts from this instance's session cache the sessions another instance revoked. (User records:
/// JwtMvc.Data's UserChangeBroadcast; the key ring subscribes itself through KeyRingChangeNotifications.)
/// </summary>
internal sealed class CacheEviction(ICacheInvalidation invalidation, SessionCache sessions) : IHostedService, IDisposable
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
        if (message.Kind != CacheInvalidationKind.SessionsRevoked)
        {
            return;
        }

        foreach (var id in message.Ids)
        {
            if (Guid.TryParse(id, out var sessionId))
            {
                sessions.Evict(sessionId);
            }
        }
    }
}
