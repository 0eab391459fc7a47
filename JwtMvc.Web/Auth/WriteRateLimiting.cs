using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth;

/// <summary>Limits on what one account stores, from <c>RateLimiting:Writes</c>.</summary>
public sealed class WriteRateLimitOptions
{
    public const string Section = "RateLimiting:Writes";

    [Range(1, 100_000, ErrorMessage = "RateLimiting:Writes:PermitLimit must be between {1} and {2}.")]
    public int PermitLimit { get; set; } = 60;

    [Range(1, 86_400, ErrorMessage = "RateLimiting:Writes:WindowSeconds must be between {1} and {2}.")]
    public int WindowSeconds { get; set; } = 60;
}

internal static class WriteRateLimiting
{
    /// <summary>
    /// Requests that store something for the signed-in user with no bound of their own (an order placed or cancelled, a
    /// passkey added, renamed or removed, the profile), on one budget per account: each is a row or a security event
    /// kept for months. Uploads have their own bounds (size, files and bytes per user), and a page may upload many files.
    /// </summary>
    public const string Policy = "writes";

    public static IServiceCollection AddWriteRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WriteRateLimitOptions>()
            .Bind(configuration.GetSection(WriteRateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        return services.AddRateLimiter(options => options.AddPolicy(Policy, context =>
        {
            var settings = context.RequestServices.GetRequiredService<IOptions<WriteRateLimitOptions>>().Value;

            // The rate limiter runs after authorization, so every request here is signed in (the endpoints require it).
            return AuthRateLimiting.FixedWindow(context, Policy, "user:" + context.User.GetUserId(), settings.PermitLimit, settings.WindowSeconds);
        }));
    }
}
