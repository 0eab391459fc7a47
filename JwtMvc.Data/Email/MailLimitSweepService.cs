using JwtMvc.Core.Email;
using JwtMvc.Data.Stores;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Email;

/// <summary>Forgets the addresses whose per-address mail limit has run out (<see cref="MailDelivery.ForgetPastLimitsAsync"/>).</summary>
internal sealed class MailLimitSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<MailLimitSweepService> logger)
    : PeriodicSweepService(scopes, clock, logger)
{
    protected override string What => "per-address mail limits that had run out";

    protected override Task<int> SweepAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<MailDelivery>().ForgetPastLimitsAsync(cancellationToken);
}
