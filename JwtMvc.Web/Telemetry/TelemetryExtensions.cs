using System.Net;
using JwtMvc.Core.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace JwtMvc.Web.Telemetry;

/// <summary>
/// OpenTelemetry: the app's meter and ASP.NET Core's, as Prometheus text at <c>/metrics</c>; traces of the
/// app's activity source and of ASP.NET Core, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
internal static class TelemetryExtensions
{
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section)).ValidateOnStart();
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(JwtMvcMetrics.Name)
                    .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Authentication",
                        "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Diagnostics")
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(JwtMvcMetrics.Name)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// Prometheus text at <see cref="MetricsPath"/> for loopback clients (any client with
    /// <c>Metrics:AllowRemote</c>); everyone else falls through to the app's 404.
    /// </summary>
    public static WebApplication UseMetricsEndpoint(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptionsMonitor<MetricsOptions>>();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path == MetricsPath
            && (options.CurrentValue.AllowRemote || IsLoopback(context)));
        return app;
    }

    // Fails closed: a connection without an address (a Unix socket behind a proxy) is not known to be local, and
    // neither is one that still carries a forwarded-for header the app did not take in: a proxy on the same host
    // (nginx in front, no ForwardedHeaders:KnownProxies) connects from loopback on behalf of anyone.
    private static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded");
}
