using JwtMvc.Core.Accounts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Email;

/// <summary>The app as its users reach it, from <c>App</c>.</summary>
public sealed class AppOptions
{
    public const string Section = "App";

    /// <summary>Absolute http(s) URL links in mails start with, e.g. <c>https://jwtmvc.example.com</c>.</summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>
/// <c>App:PublicBaseUrl</c>; in Development without it, the app's own first listening URL. Never the request's
/// Host header, which the client chooses.
/// </summary>
internal sealed class PublicBaseUrl(IOptions<AppOptions> options, IServer server) : IPublicBaseUrl
{
    public string Value => Configured(options.Value) ?? ListeningUrl() ?? "http://localhost";

    public static string? Configured(AppOptions options) =>
        Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : null;

    private string? ListeningUrl() =>
        server.Features.Get<IServerAddressesFeature>()?.Addresses
            .Select(a => a.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal))
            .OrderBy(a => a.StartsWith("https:", StringComparison.Ordinal) ? 0 : 1)
            .FirstOrDefault()?.TrimEnd('/');
}
