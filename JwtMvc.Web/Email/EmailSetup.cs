using JwtMvc.Core.Accounts;
using JwtMvc.Core.Email;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Email;

internal static class EmailSetup
{
    /// <summary>The mail transport (SMTP, or Development's pickup directory), public links, and background delivery.</summary>
    public static IServiceCollection AddJwtMvcEmail(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AppOptions>().Bind(configuration.GetSection(AppOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>();
        services.AddSingleton<IPublicBaseUrl, PublicBaseUrl>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<PickupDirectoryEmailSender>();
        services.AddSingleton<IEmailSender>(provider =>
            string.IsNullOrWhiteSpace(provider.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp.Host)
                ? provider.GetRequiredService<PickupDirectoryEmailSender>()
                : provider.GetRequiredService<SmtpEmailSender>());
        services.AddHostedService<MailDeliveryService>();

        return services;
    }
}
