using System.Diagnostics.Metrics;
using JwtMvc.Core.Accounts;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Email;
using JwtMvc.Core.Cluster;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Orders;
using JwtMvc.Core.Security;
using JwtMvc.Core.Uploads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core;

public static class DependencyInjection
{
    public static IServiceCollection AddJwtMvcCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<JwtOptions>()
            .Bind(configuration.GetSection(JwtOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new JwtMvcMetrics(provider.GetService<IMeterFactory>()));
        services.AddOptions<AppAuthorizationOptions>()
            .Bind(configuration.GetSection(AppAuthorizationOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<SecurityOptions>()
            .Bind(configuration.GetSection(SecurityOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddScoped<ISecurityEventLog, SecurityEventLog>();
        services.AddScoped<SecurityDashboard>();
        services.AddSingleton<KeyRing>();
        services.AddSingleton<SigningKeys>(provider =>
            provider.GetRequiredService<IOptions<JwtOptions>>().Value.UsesSharedSecret
                ? new SharedSecretKeys(provider.GetRequiredService<IOptions<JwtOptions>>())
                : provider.GetRequiredService<KeyRing>());
        services.AddScoped<SigningKeyAdminService>();
        services.TryAddSingleton<ICacheInvalidation, InProcessCacheInvalidation>(); // Redis replaces it when configured
        services.AddSingleton<SessionCache>();
        services.AddSingleton<SessionCheck>();
        services.AddScoped<SessionService>();
        services.AddScoped<TokenService>();
        services.AddSingleton<CredentialCheckGate>();
        services.AddScoped<SignInService>();
        services.AddScoped<TwoFactorService>();
        services.AddScoped<SecondFactorSignIn>();
        services.AddScoped<PasskeyService>();
        services.AddScoped<AccountService>();
        services.AddAccountEmail(configuration);
        services.AddSingleton<AdminChangeGate>();
        services.AddScoped<UserAdminService>();

        services.AddOptions<UploadOptions>()
            .Bind(configuration.GetSection(UploadOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.AddSingleton<UploadReservations>();
        services.AddScoped<UploadService>();
        services.AddScoped<OrderService>();
        return services;
    }

    private static void AddAccountEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmailOptions>()
            .Bind(configuration.GetSection(EmailOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<AccountEmailOptions>()
            .Bind(configuration.GetSection(AccountEmailOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<MailQueueSignal>();
        services.AddSingleton<AccountLinks>();
        services.AddScoped<AccountMailComposer>();
        services.AddScoped<MailDelivery>();
        services.AddScoped<AccountEmailService>();
        services.AddScoped<AccountSessions>();
    }
}
