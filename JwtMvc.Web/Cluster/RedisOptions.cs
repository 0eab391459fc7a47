using StackExchange.Redis;

namespace JwtMvc.Web.Cluster;

/// <summary>Redis for what every instance must see at once (<c>Redis:*</c>). Unset: one instance, no Redis.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>. Empty: single-node behaviour.</summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key and channel, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "jwtmvc:";

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);

    /// <summary>
    /// Whether StackExchange.Redis can read <paramref name="configuration"/>. A string it cannot read would otherwise
    /// look like a Redis that is down, and the instance would run alone for good without saying so at start.
    /// </summary>
    public static bool IsValidConfiguration(string configuration)
    {
        try
        {
            ConfigurationOptions.Parse(configuration);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
