using System.Collections.Immutable;
using JwtMvc.Core.Cluster;
using StackExchange.Redis;

namespace JwtMvc.Web.Cluster;

/// <summary>
/// <see cref="ICacheInvalidation"/> over one Redis pub/sub channel. A message is the sender's instance id, the kind
/// and the ids, one per line; an instance ignores its own. Publishing while Redis is down drops the message: the
/// receivers' caches hold entries for <c>Jwt:SessionCheckSeconds</c> at most, so the floor still holds.
/// </summary>
internal sealed partial class RedisCacheInvalidation(RedisConnection redis, ILogger<RedisCacheInvalidation> logger) : ICacheInvalidation, IHostedService
{
    private readonly string instanceId = Guid.NewGuid().ToString("N");
    private ImmutableArray<Action<CacheInvalidation>> handlers = [];
    private Action<RedisChannel, RedisValue>? receiver;
    private int subscribed;

    private Action<RedisChannel, RedisValue> Receiver => receiver ??= (_, message) => Receive(message);

    private RedisChannel Channel => RedisChannel.Literal(redis.KeyPrefix + "invalidation");

    public void Publish(CacheInvalidation invalidation)
    {
        ArgumentNullException.ThrowIfNull(invalidation);
        if (redis.Database is not { } database)
        {
            return;
        }

        try
        {
            database.Publish(Channel, Serialize(invalidation), CommandFlags.FireAndForget);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            redis.ReportFailure(exception);
        }
    }

    public IDisposable Subscribe(Action<CacheInvalidation> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ImmutableInterlocked.Update(ref handlers, (list, added) => list.Add(added), handler);
        return new Subscription(this, handler);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = Task.Run(SubscribeWhenOpenedAsync, CancellationToken.None); // never delays the start
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SubscribeWhenOpenedAsync()
    {
        IConnectionMultiplexer connection;
        try
        {
            connection = await redis.OpenedAsync;
        }
        catch (Exception exception) when (exception is RedisException or ArgumentException)
        {
            return; // logged by RedisConnection
        }

        // StackExchange.Redis subscribes again on every reconnect once a subscription is made; a first attempt
        // made while Redis was down is made again when it comes back.
        connection.ConnectionRestored += (_, _) => _ = SubscribeAsync(connection);
        await SubscribeAsync(connection);
    }

    private async Task SubscribeAsync(IConnectionMultiplexer connection)
    {
        if (Volatile.Read(ref subscribed) == 1 || !connection.IsConnected)
        {
            return;
        }

        var subscriber = connection.GetSubscriber();
        try
        {
            await subscriber.UnsubscribeAsync(Channel, Receiver); // a half-made earlier attempt must not deliver twice
            await subscriber.SubscribeAsync(Channel, Receiver);
            Volatile.Write(ref subscribed, 1);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            redis.ReportFailure(exception);
        }
    }

    private void Receive(RedisValue message)
    {
        if (Deserialize(message) is not { } invalidation)
        {
            return;
        }

        foreach (var handler in handlers)
        {
            try
            {
                handler(invalidation);
            }
            catch (Exception exception)
            {
                Log.HandlerFailed(logger, exception, invalidation.Kind);
            }
        }
    }

    private string Serialize(CacheInvalidation invalidation) =>
        string.Join('\n', [instanceId, invalidation.Kind.ToString(), .. invalidation.Ids]);

    private CacheInvalidation? Deserialize(RedisValue message)
    {
        var lines = ((string?)message ?? "").Split('\n');
        if (lines.Length < 2 || lines[0] == instanceId || !Enum.TryParse<CacheInvalidationKind>(lines[1], out var kind))
        {
            return null;
        }

        return new CacheInvalidation(kind, lines[2..]);
    }

    private sealed class Subscription(RedisCacheInvalidation owner, Action<CacheInvalidation> handler) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref owner.handlers, (list, removed) => list.Remove(removed), handler);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "Handling a {Kind} invalidation failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, CacheInvalidationKind kind);
    }
}
