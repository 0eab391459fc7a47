using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth;

/// <summary>
/// Key-ring mode: loads the ring before the app serves (creating the first key if there is none), then checks
/// every <c>Jwt:SessionCheckSeconds</c> (at least 5 s) whether a new key is due and picks up other instances' changes.
/// </summary>
internal sealed partial class KeyRotationService(SigningKeys keys, IOptions<JwtOptions> options, TimeProvider clock, ILogger<KeyRotationService> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys is KeyRing ring)
        {
            await ring.RotateIfDueAsync(cancellationToken);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (keys is not KeyRing ring)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(Math.Max(options.Value.SessionCheckSeconds, 5));
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ring.RotateIfDueAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database may be briefly away; the next tick tries again, and requests reload on their own.
                Log.RotationFailed(logger, exception);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Signing-key rotation check failed; retrying on the next tick")]
        public static partial void RotationFailed(ILogger logger, Exception exception);
    }
}
