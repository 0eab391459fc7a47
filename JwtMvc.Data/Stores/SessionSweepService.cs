using JwtMvc.Core.Auth;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Deletes sessions that ended more than <see cref="JwtOptions.EndedSessionRetentionDays"/> ago, with their refresh
/// tokens: without it every rotation ever made would stay in the database.
/// </summary>
internal sealed class SessionSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SessionSweepService> logger)
    : PeriodicSweepService(scopes, clock, logger)
{
    protected override string What => "ended sessions with their refresh tokens";

    protected override Task<int> SweepAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<SessionService>().SweepEndedAsync(cancellationToken);
}
