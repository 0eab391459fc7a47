using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace JwtMvc.Web.Cluster;

/// <summary>
/// A fixed window counted in Redis, so every instance draws from one budget per key: INCR of a key named after
/// the window, which expires with it. While Redis cannot be reached it counts in this instance alone (the
/// <paramref name="fallback"/>), never letting requests through uncounted.
/// </summary>
internal sealed class ClusterRateLimiter(
    string key,
    int permitLimit,
    TimeSpan window,
    RedisConnection redis,
    TimeProvider clock,
    RateLimiter fallback) : RateLimiter
{
    private const string IncrementScript = """
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """;

    private readonly long windowMilliseconds = (long)window.TotalMilliseconds;

    public override TimeSpan? IdleDuration => fallback.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => fallback.GetStatistics();

    // The synchronous attempt cannot ask Redis; refusing it here sends the middleware to AcquireAsync, which can.
    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        redis.IsConnected ? Deferred.Instance : fallback.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (redis.Database is not { } database)
        {
            return await fallback.AcquireAsync(permitCount, cancellationToken);
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var windowIndex = now / windowMilliseconds;
        long count;
        try
        {
            count = (long)await database.ScriptEvaluateAsync(
                IncrementScript,
                [new RedisKey(key + ":" + windowIndex.ToString(CultureInfo.InvariantCulture))],
                [windowMilliseconds]);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            redis.ReportFailure(exception);
            return await fallback.AcquireAsync(permitCount, cancellationToken);
        }

        return count <= permitLimit
            ? Lease.Acquired
            : new Lease(TimeSpan.FromMilliseconds(((windowIndex + 1) * windowMilliseconds) - now));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fallback.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class Lease(TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(null);

        public override bool IsAcquired => retryAfter is null;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } wait && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = wait;
                return true;
            }

            metadata = null;
            return false;
        }
    }

    private sealed class Deferred : RateLimitLease
    {
        public static readonly Deferred Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
