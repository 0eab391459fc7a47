using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Cluster;

/// <summary>The proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> are believed (<c>ForwardedHeaders:*</c>).</summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>IP addresses of the load balancers in front of the app. Empty (the default): the headers are ignored.</summary>
    public List<string> KnownProxies { get; } = [];

    /// <summary>The entries as addresses; an entry may also list several, separated by commas.</summary>
    public IEnumerable<string> Entries =>
        KnownProxies.SelectMany(entry => entry.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

internal static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrustedProxyOptions>()
            .Bind(configuration.GetSection(TrustedProxyOptions.Section))
            .Validate(o => o.Entries.All(entry => IPAddress.TryParse(entry, out _)), "ForwardedHeaders:KnownProxies must list IP addresses, e.g. 127.0.0.1.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((options, proxies) =>
        {
            options.ForwardLimit = 1; // the address the nearest proxy saw; anything a client wrote further left is ignored
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in proxies.Value.Entries)
            {
                options.KnownProxies.Add(IPAddress.Parse(entry));
            }

            // With no known proxy, no header at all: ASPNETCORE_FORWARDEDHEADERS_ENABLED=true has ASP.NET Core put its own
            // forwarded-headers middleware in front of the app with these options, and given empty lists it would
            // believe every client.
            options.ForwardedHeaders = options.KnownProxies.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        return services;
    }

    /// <summary>
    /// Applies the headers from known proxies only. With no known proxy the middleware is left out altogether:
    /// given empty lists it would believe everyone.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        return options.KnownProxies.Count == 0 ? app : app.UseForwardedHeaders();
    }
}
