using JwtMvc.Core.Accounts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Email;

/// <summary>
/// Sends what is due in the <see cref="IMailOutbox"/>: composes each job, applies the per-address limit once,
/// hands the message to the <see cref="IEmailSender"/>, and on a failure logs it and tries again later with a
/// growing delay, so a mail server that is down or refusing loses nothing.
/// </summary>
public sealed partial class MailDelivery(
    IMailOutbox outbox,
    AccountMailComposer composer,
    IUserAccounts accounts,
    IEmailSender sender,
    IOptions<EmailOptions> options,
    TimeProvider clock,
    ILogger<MailDelivery> logger)
{
    /// <summary>How long a claimed job is left to its instance before another may retry it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    /// <summary>About a day of retries; then the mail is given up, with an error in the log.</summary>
    public const int MaxAttempts = 30;

    public const int BatchSize = 20;

    /// <summary>
    /// Delivers the jobs due now, up to <see cref="BatchSize"/>; returns how many were claimed (a full batch means:
    /// call again). Each job is claimed just before it is sent, so its lease is its own, however slow the mail server
    /// was with the ones before it.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var claimed = 0;
        while (claimed < BatchSize)
        {
            var now = clock.GetUtcNow();
            if (await outbox.ClaimNextAsync(now, now + Lease, cancellationToken) is not { } job)
            {
                break;
            }

            claimed++;
            await DeliverAsync(job, cancellationToken);
        }

        return claimed;
    }

    /// <summary>
    /// Forgets the addresses whose last mail is older than <see cref="EmailOptions.MinSecondsBetweenMails"/>: their
    /// records hold no mail back any more (the next one is admitted either way), so without this sweep the table would
    /// only grow, a row for every address ever mailed. Answers how many were forgotten.
    /// </summary>
    public Task<int> ForgetPastLimitsAsync(CancellationToken cancellationToken) =>
        outbox.ForgetMailedBeforeAsync(clock.GetUtcNow() - TimeSpan.FromSeconds(options.Value.MinSecondsBetweenMails), cancellationToken);

    /// <summary>The wait before attempt <paramref name="attempts"/> + 1: doubling from <see cref="FirstRetryDelay"/> up to <see cref="MaxRetryDelay"/>.</summary>
    public static TimeSpan RetryDelay(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 20);
        var delay = FirstRetryDelay * Math.Pow(2, doublings);
        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    private async Task DeliverAsync(MailJob job, CancellationToken cancellationToken)
    {
        var message = await composer.ComposeAsync(job, cancellationToken);
        if (message is null)
        {
            Log.NothingToSend(logger, job.Id, job.Kind);
            await outbox.CompleteAsync(job, cancellationToken);
            return;
        }

        if (!job.Admitted)
        {
            var minInterval = TimeSpan.FromSeconds(options.Value.MinSecondsBetweenMails);
            if (!await outbox.TryAdmitAsync(accounts.NormalizeEmail(message.To), clock.GetUtcNow(), minInterval, cancellationToken))
            {
                Log.Throttled(logger, job.Id, job.Kind);
                await outbox.CompleteAsync(job, cancellationToken);
                return;
            }

            await outbox.MarkAdmittedAsync(job, cancellationToken);
        }

        try
        {
            await sender.SendAsync(message, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (job.Attempts >= MaxAttempts)
            {
                Log.GivenUp(logger, job.Id, job.Kind, job.Attempts, exception);
                await outbox.CompleteAsync(job, cancellationToken);
                return;
            }

            var next = clock.GetUtcNow() + RetryDelay(job.Attempts);
            Log.SendFailed(logger, job.Id, job.Kind, job.Attempts, next, exception);
            await outbox.RetryAsync(job, next, exception.GetType().Name + ": " + exception.Message, cancellationToken);
            return;
        }

        Log.Sent(logger, job.Id, job.Kind);
        await outbox.CompleteAsync(job, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Mail {JobId} ({Kind}) sent")]
        public static partial void Sent(ILogger logger, Guid jobId, string kind);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Mail {JobId} ({Kind}) has nothing to send")]
        public static partial void NothingToSend(ILogger logger, Guid jobId, string kind);

        [LoggerMessage(Level = LogLevel.Information, Message = "Mail {JobId} ({Kind}) dropped: its address had a mail too recently")]
        public static partial void Throttled(ILogger logger, Guid jobId, string kind);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {JobId} ({Kind}) could not be sent (attempt {Attempts}); next attempt at {NextAttemptAt}")]
        public static partial void SendFailed(ILogger logger, Guid jobId, string kind, int attempts, DateTimeOffset nextAttemptAt, Exception exception);

        [LoggerMessage(Level = LogLevel.Error, Message = "Mail {JobId} ({Kind}) given up after {Attempts} attempts")]
        public static partial void GivenUp(ILogger logger, Guid jobId, string kind, int attempts, Exception exception);
    }
}
