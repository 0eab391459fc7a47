using JwtMvc.Web.Email;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth.Passkeys;

/// <summary>
/// Passkeys as the <c>Passkeys</c> and <c>App</c> sections say: the relying-party id, the origins a credential may come
/// from, discoverable credentials with user verification; and a start warning when passkeys are off.
/// </summary>
internal static partial class PasskeySetup
{
    public const string DevelopmentDomain = "localhost";

    public static IServiceCollection AddPasskeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PasskeyOptions>()
            .Bind(configuration.GetSection(PasskeyOptions.Section))
            .PostConfigure<IOptions<AppOptions>, IHostEnvironment>((options, app, environment) =>
            {
                if (string.IsNullOrWhiteSpace(options.ServerDomain))
                {
                    options.ServerDomain = PublicBaseUrl.Configured(app.Value) is { } baseUrl ? new Uri(baseUrl).IdnHost
                        : environment.IsDevelopment() ? DevelopmentDomain
                        : null;
                }
            })
            .Validate(o => o.ServerDomain is null || PasskeyOptions.IsValidDomain(o.ServerDomain),
                "Passkeys:ServerDomain must be a lower-case host name such as auth.example.com, without scheme, port or path.")
            .ValidateOnStart();
        services.AddSingleton<PasskeyOrigins>();
        services.AddSingleton<IConfigureOptions<IdentityPasskeyOptions>, ConfigureIdentityPasskeys>();
        services.AddHostedService<PasskeyCheck>();
        return services;
    }

    private sealed class ConfigureIdentityPasskeys(IOptions<PasskeyOptions> passkeys, PasskeyOrigins origins) : IConfigureOptions<IdentityPasskeyOptions>
    {
        public void Configure(IdentityPasskeyOptions options)
        {
            options.ServerDomain = passkeys.Value.ServerDomain;
            // Username-less sign-in needs the passkey to live on the authenticator; "mfa" in amr needs user verification.
            options.ResidentKeyRequirement = "required";
            options.UserVerificationRequirement = "required";
            options.AuthenticatorTimeout = Core.Auth.Passkeys.PasskeyService.CeremonyLifetime;
            options.ValidateOrigin = context => ValueTask.FromResult(!context.CrossOrigin && origins.IsAllowed(context.Origin));
        }
    }

    /// <summary>Says once at start that passkeys are off, and why.</summary>
    private sealed partial class PasskeyCheck(IOptions<PasskeyOptions> options, ILogger<PasskeyCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.Enabled)
            {
                Log.PasskeysOff(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static partial class Log
        {
            [LoggerMessage(Level = LogLevel.Warning, Message = "Passkeys are off: set Passkeys:ServerDomain or App:PublicBaseUrl to the host users reach the app at.")]
            public static partial void PasskeysOff(ILogger logger);
        }
    }
}

/// <summary>
/// The origins a WebAuthn credential may come from: that of <c>App:PublicBaseUrl</c>, and in Development the app's own
/// listening URLs, also under the relying-party id (Kestrel on 127.0.0.1:5000 is reached as http://localhost:5000).
/// Never the request's Host header, which the client chooses.
/// </summary>
internal sealed class PasskeyOrigins(IOptions<PasskeyOptions> passkeys, IOptions<AppOptions> app, IHostEnvironment environment, IServer server)
{
    public bool IsAllowed(string? origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var candidate) || candidate.AbsolutePath != "/" || origin.EndsWith('/'))
        {
            return false;
        }

        if (PublicBaseUrl.Configured(app.Value) is { } baseUrl && SameOrigin(candidate, new Uri(baseUrl)))
        {
            return true;
        }

        return environment.IsDevelopment() && ListeningOrigins().Any(listening =>
            listening.Scheme == candidate.Scheme && listening.Port == candidate.Port
            && (string.Equals(candidate.IdnHost, passkeys.Value.ServerDomain, StringComparison.OrdinalIgnoreCase)
                || string.Equals(candidate.IdnHost, listening.IdnHost, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private IEnumerable<Uri> ListeningOrigins() =>
        (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(a => a.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal))
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>();
}
