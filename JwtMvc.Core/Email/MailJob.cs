namespace JwtMvc.Core.Email;

/// <summary>
/// One account mail waiting in the outbox. It holds what to send, never the code in it: the message and its
/// code are made when it is sent, so the outbox holds no secret and a request is queued the same way whether
/// or not its address belongs to anyone.
/// </summary>
public sealed class MailJob
{
    public Guid Id { get; init; }

    /// <summary>One of <see cref="MailKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The user it is about, when the request named one; otherwise found by <see cref="Address"/> when sent.</summary>
    public string? UserId { get; init; }

    /// <summary>The address the request named: the recipient (an email change's new address), or the one to look up.</summary>
    public required string Address { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// For a mail the signed-in user asked for (an email change): <see cref="Accounts.AccountUser.StampHash"/> when it
    /// was queued. A security change since (a new password, a lock, two-factor settings) voids the job: no link is
    /// sent that a session ended by that change asked for.
    /// </summary>
    public string? UserStampHash { get; init; }

    /// <summary>When the job is next due; a claim moves it ahead by the lease, a failure by the back-off.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>True once the job passed the per-address limit; a retry does not count against it again.</summary>
    public bool Admitted { get; set; }

    public string? LastError { get; set; }
}

/// <summary>The account mails there are.</summary>
public static class MailKinds
{
    public const string ConfirmEmail = "confirm-email";
    public const string PasswordReset = "password-reset";
    public const string EmailChange = "email-change";
    public const string RegistrationAttempt = "registration-attempt";
}

/// <summary>The durable queue of account mails, and the per-address limit. Implemented in JwtMvc.Data.</summary>
public interface IMailOutbox
{
    Task EnqueueAsync(MailJob job, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the job due earliest at <paramref name="now"/>, or answers null when none is due: it is moved to
    /// <paramref name="leaseUntil"/> and its attempt counted, so no other instance takes it meanwhile, and an
    /// instance that dies while sending leaves it to be retried.
    /// </summary>
    Task<MailJob?> ClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    // The three below change the job only while this instance's claim holds (its attempt count is the job's): a job
    // whose lease ran out and that another instance claimed again is that instance's to finish.

    /// <summary>Removes a claimed job that was sent, or that has nothing to send.</summary>
    Task CompleteAsync(MailJob claimed, CancellationToken cancellationToken);

    Task RetryAsync(MailJob claimed, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken);

    Task MarkAdmittedAsync(MailJob claimed, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the address's one slot per <paramref name="minInterval"/>: true when no mail went to it since
    /// <c>now - minInterval</c> (then <paramref name="now"/> is recorded), false otherwise. Atomic across instances.
    /// </summary>
    Task<bool> TryAdmitAsync(string normalizedAddress, DateTimeOffset now, TimeSpan minInterval, CancellationToken cancellationToken);

    /// <summary>Deletes the record of every address last mailed before <paramref name="cutoff"/>; answers how many.</summary>
    Task<int> ForgetMailedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
