namespace JwtMvc.Web.Telemetry;

/// <summary>Settings of the Prometheus endpoint, bound from the <c>Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>/metrics</c> to any client, not only loopback ones (put it behind a firewall then).</summary>
    public bool AllowRemote { get; set; }
}
