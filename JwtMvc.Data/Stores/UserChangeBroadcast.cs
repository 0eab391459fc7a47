using JwtMvc.Core.Cluster;

using Microsoft.Extensions.Hosting;

namespace JwtMvc.Data.Stores;

/// <summary>
/// The <see cref="IUserChangeNotifier"/>: evicts the user from this instance's <see cref="UserRecordCache"/> and
/// tells the other instances (<see cref="ICacheInvalidation"/>, a no-op without Redis); when another instance tells,
/// evicts here.
/// </summary>
internal sealed class UserChangeBroadcast(UserRecordCache cache, ICacheInvalidation invalidation) : IUserChangeNotifier, IHostedService, IDisposable
{
    private IDisposable? subscription;

    public async ValueTask UserChangedAsync(string userId, CancellationToken cancellationToken)
    {
        await cache.UserChangedAsync(userId, cancellationToken);
        invalidation.Publish(CacheInvalidation.UserChanged(userId));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = invalidation.Subscribe(message =>
        {
            if (message.Kind == CacheInvalidationKind.UserChanged)
            {
                foreach (var userId in message.Ids)
                {
                    _ = cache.UserChangedAsync(userId, CancellationToken.None); // completes synchronously
                }
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => subscription?.Dispose();
}
