using JwtMvc.Core.Cluster;
using JwtMvc.Web.Auth;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JwtMvc.Web.Cluster;

internal static class ClusterSetup
{
    /// <summary>
    /// With <c>Redis:Configuration</c> set: cache invalidation over Redis pub/sub, the Redis health check, and
    /// (through <see cref="AuthRateLimiting"/> and <see cref="WriteRateLimiting"/>) rate limits counted in Redis. Unset: nothing, one instance.
    /// Every instance, Redis or not, evicts what <see cref="ICacheInvalidation"/> reports.
    /// </summary>
    public static IServiceCollection AddCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>()
            .Bind(configuration.GetSection(RedisOptions.Section))
            .Validate(o => !o.Enabled || RedisOptions.IsValidConfiguration(o.Configuration!), "Redis:Configuration is not a StackExchange.Redis configuration string, e.g. 127.0.0.1:6379,password=...")
            .ValidateOnStart();
        services.AddHostedService<CacheEviction>();
        var redis = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>();
        if (redis is not { Enabled: true })
        {
            return services;
        }

        services.AddSingleton<RedisConnection>();
        services.AddSingleton<RedisCacheInvalidation>();
        services.Replace(ServiceDescriptor.Singleton<ICacheInvalidation>(provider => provider.GetRequiredService<RedisCacheInvalidation>()));

        services.AddHostedService(provider => provider.GetRequiredService<RedisConnection>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisCacheInvalidation>());
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["redis"]);
        return services;
    }
}
