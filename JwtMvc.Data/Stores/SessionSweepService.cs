using JwtMvc.Core.Auth;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Deletes sessions that ended more than <see cref="JwtOptions.EndedSessionRetentionDays"/> ago, with their refresh
/// tokens: without it every rotation ever made would stay in the database.
/// </summary>
internal sealed partial class SessionSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SessionSweepService> logger)
    : PeriodicSweepService(scopes, clock, logger)
{
    protected override string What => "ended sessions";

    protected override async Task SweepAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var deleted = await services.GetRequiredService<SessionService>().SweepEndedAsync(cancellationToken);
        if (deleted > 0)
        {
            Log.Swept(logger, deleted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} ended sessions with their refresh tokens")]
        public static partial void Swept(ILogger logger, int count);
    }
}
