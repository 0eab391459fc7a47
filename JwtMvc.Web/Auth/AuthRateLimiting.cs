using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using JwtMvc.Web.Cluster;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth;

/// <summary>Limits on password guessing per client IP, from <c>RateLimiting:Auth</c>.</summary>
public sealed class AuthRateLimitOptions
{
    public const string Section = "RateLimiting:Auth";

    [Range(1, 100_000, ErrorMessage = "RateLimiting:Auth:PermitLimit must be between {1} and {2}.")]
    public int PermitLimit { get; set; } = 10;

    [Range(1, 86_400, ErrorMessage = "RateLimiting:Auth:WindowSeconds must be between {1} and {2}.")]
    public int WindowSeconds { get; set; } = 60;
}

internal static class AuthRateLimiting
{
    /// <summary>
    /// Everything that guesses at accounts or passwords, on one budget per client IP: /api/auth/login,
    /// /api/auth/token, /api/account/register and /api/account/password.
    /// </summary>
    public const string Policy = "auth";

    public static IServiceCollection AddAuthRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthRateLimitOptions>()
            .Bind(configuration.GetSection(AuthRateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(Policy, context =>
            {
                var settings = context.RequestServices.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value;
                return FixedWindow(context, Policy, ClientKey(context.Connection.RemoteIpAddress), settings.PermitLimit, settings.WindowSeconds);
            });
            options.OnRejected = WriteRejectionAsync;
        });
    }

    /// <summary>
    /// One fixed window per <paramref name="key"/> (a client IP after forwarded headers from a known proxy, a user id).
    /// With Redis it is counted across every instance, falling back to this instance's own count while Redis is down.
    /// </summary>
    internal static RateLimitPartition<string> FixedWindow(HttpContext context, string policy, string key, int permitLimit, int windowSeconds)
    {
        var services = context.RequestServices;
        var redis = services.GetService<RedisConnection>();
        return RateLimitPartition.Get(key, partition =>
        {
            var window = TimeSpan.FromSeconds(windowSeconds);
            var local = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
            {
                PermitLimit = permitLimit,
                Window = window,
                QueueLimit = 0,
            });
            return redis is null
                ? local
                : new ClusterRateLimiter(
                    $"{redis.KeyPrefix}ratelimit:{policy}:{partition}",
                    permitLimit,
                    window,
                    redis,
                    services.GetRequiredService<TimeProvider>(),
                    local);
        });
    }

    /// <summary>
    /// Whose budget a request spends: an IPv4 address; for IPv6, the /64 network, the smallest block one
    /// subscriber is given, so a client cannot get a fresh budget by moving to the next of its 2^64 addresses.
    /// </summary>
    internal static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static async ValueTask WriteRejectionAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);

        var writes = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == WriteRateLimiting.Policy;
        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = writes ? "Too many changes" : "Too many attempts",
                Detail = writes
                    ? $"Too many changes from this account. Try again in {seconds} seconds."
                    : $"Too many attempts from this address. Try again in {seconds} seconds.",
            },
        });
    }
}
