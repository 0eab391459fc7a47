using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Protection;

/// <summary>
/// Data Protection with its key ring in the database, so every instance shares it, encrypted at rest with the
/// certificate at <c>DataProtection:CertificatePath</c> (+ <c>CertificatePassword</c>) when one is configured.
/// </summary>
internal static partial class DataProtectionSetup
{
    public const string Section = "DataProtection";

    public static void AddJwtMvcDataProtection(this IServiceCollection services, IConfiguration configuration, string applicationName)
    {
        var builder = services.AddDataProtection()
            .PersistKeysToDbContext<AppDbContext>()
            .SetApplicationName(applicationName);

        var path = configuration[$"{Section}:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(path))
        {
            builder.ProtectKeysWithCertificate(LoadCertificate(path, configuration[$"{Section}:CertificatePassword"]));
        }

        services.AddHostedService(provider => new CertificateCheck(
            provider.GetRequiredService<IHostEnvironment>(),
            provider.GetRequiredService<ILogger<CertificateCheck>>(),
            configured: !string.IsNullOrWhiteSpace(path)));
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidOperationException($"DataProtection:CertificatePath '{path}' has no private key; Data Protection needs one to decrypt its keys.");
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"DataProtection:CertificatePath '{path}' cannot be loaded (a PKCS#12 file, with DataProtection:CertificatePassword if it has one): {exception.Message}",
                exception);
        }
    }

    /// <summary>Outside Development, says once at start that Data Protection's keys are not encrypted at rest.</summary>
    private sealed partial class CertificateCheck(IHostEnvironment environment, ILogger<CertificateCheck> logger, bool configured) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!configured && !environment.IsDevelopment())
            {
                Log.NoCertificate(logger);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        private static partial class Log
        {
            [LoggerMessage(Level = LogLevel.Warning, Message = "DataProtection:CertificatePath is not set: Data Protection's keys (which protect the signing keys) are stored in the database unencrypted. Configure a certificate outside Development.")]
            public static partial void NoCertificate(ILogger logger);
        }
    }
}
