using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace JwtMvc.Web.Cluster;

/// <summary>Degraded, not unhealthy, while Redis is down: the app still serves, with the single-instance fallbacks.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (redis.Database is { } database)
        {
            try
            {
                await database.PingAsync();
                return HealthCheckResult.Healthy("Redis answers");
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                redis.ReportFailure(exception);
            }
        }

        return HealthCheckResult.Degraded(
            $"Redis is unavailable ({redis.Problem}): revocations reach other instances within Jwt:SessionCheckSeconds and rate limits count per instance until it is back");
    }
}
