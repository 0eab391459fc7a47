using JwtMvc.Core.Email;
using JwtMvc.Data.Stores;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Email;

/// <summary>Forgets the addresses whose per-address mail limit has run out (<see cref="MailDelivery.ForgetPastLimitsAsync"/>).</summary>
internal sealed partial class MailLimitSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<MailLimitSweepService> logger)
    : PeriodicSweepService(scopes, clock, logger)
{
    protected override string What => "the per-address mail limits";

    protected override async Task SweepAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var forgotten = await services.GetRequiredService<MailDelivery>().ForgetPastLimitsAsync(cancellationToken);
        if (forgotten > 0)
        {
            Log.Swept(logger, forgotten);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} addresses whose mail limit had run out")]
        public static partial void Swept(ILogger logger, int count);
    }
}
