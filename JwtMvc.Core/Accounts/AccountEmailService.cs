using JwtMvc.Core.Validation;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Email;
using JwtMvc.Core.Security;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Accounts;

/// <summary>
/// Account recovery and email changes. Requests that name an address only queue a job, the same one whatever
/// the address is: whether it belongs to someone is decided off the request path, when the mail is composed.
/// </summary>
public sealed class AccountEmailService(
    IUserAccounts accounts,
    IMailOutbox outbox,
    MailQueueSignal signal,
    SessionService sessions,
    IAuditLog audit,
    ISecurityEventLog events,
    IOptions<EmailOptions> emailOptions,
    IOptions<AccountEmailOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// After a registration attempt: a new account gets its confirmation mail. Returns true when the answer must
    /// be "confirmation required" (<c>Accounts:RequireConfirmedEmail</c>), which a taken email gets too, its owner
    /// being told by mail that someone tried; false when the caller answers as usual.
    /// </summary>
    public async Task<bool> AfterRegistrationAsync(ValidationOutcome<AuthUser> outcome, string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (!emailOptions.Value.Enabled)
        {
            return false;
        }

        if (outcome.Succeeded)
        {
            await SendConfirmationAsync(outcome.Value!, cancellationToken);
            return options.Value.RequireConfirmedEmail;
        }

        // A taken user name or email is one answer that does not say which (no enumeration); the mail job finds out
        // off the request path whether the address has an owner to tell.
        if (options.Value.RequireConfirmedEmail && outcome.Errors.Any(e => e.Code == RegistrationErrors.NameOrEmailUnavailable))
        {
            await NotifyRegistrationAttemptAsync(email, cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>Queues a reset mail for the account with this address, if there is one.</summary>
    public Task RequestPasswordResetAsync(string email, CancellationToken cancellationToken) =>
        QueueAsync(MailKinds.PasswordReset, null, email, cancellationToken);

    /// <summary>Queues a confirmation mail for the account with this address, if there is one and it is unconfirmed.</summary>
    public Task ResendConfirmationAsync(string email, CancellationToken cancellationToken) =>
        QueueAsync(MailKinds.ConfirmEmail, null, email, cancellationToken);

    /// <summary>Queues the confirmation mail of a new account.</summary>
    public Task SendConfirmationAsync(AuthUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Email is null ? Task.CompletedTask : QueueAsync(MailKinds.ConfirmEmail, user.Id, user.Email, cancellationToken);
    }

    /// <summary>Tells the owner of <paramref name="email"/> that someone tried to register with it.</summary>
    public Task NotifyRegistrationAttemptAsync(string email, CancellationToken cancellationToken) =>
        QueueAsync(MailKinds.RegistrationAttempt, null, email, cancellationToken);

    public Task<ValidationOutcome> ConfirmEmailAsync(string userId, string code, CancellationToken cancellationToken) =>
        accounts.ConfirmEmailAsync(userId, code, cancellationToken);

    /// <summary>Sets a new password with a reset code and ends every session of the user.</summary>
    public async Task<ValidationOutcome> ResetPasswordAsync(string userId, string code, string newPassword, CancellationToken cancellationToken)
    {
        var outcome = await accounts.ResetPasswordAsync(userId, code, newPassword, cancellationToken);
        if (outcome.Succeeded)
        {
            // Committed: the revocation first, and nothing after it is abandoned with the request.
            await sessions.RevokeAllAsync(userId, SessionRevocationReasons.PasswordReset);
            var user = await accounts.FindByIdAsync(userId, CancellationToken.None);
            await events.RecordAsync(SecurityEventTypes.PasswordChanged, userId, user?.UserName, null, "reset with a link sent by e-mail", CancellationToken.None);
        }

        return outcome;
    }

    /// <summary>
    /// Checks the password (a wrong one counts toward lockout) and mails a confirmation link to the new address;
    /// the email changes only when that link is used.
    /// </summary>
    public async Task<EmailChangeRequest> RequestEmailChangeAsync(string userId, string newEmail, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newEmail);

        // The stamp the job carries is read before the password is checked: a password change (or any change that
        // voids the job) committing meanwhile must void this job too, not hand it the new stamp.
        var user = await accounts.FindByIdAsync(userId, cancellationToken);
        switch (await accounts.VerifyPasswordAsync(userId, password, cancellationToken))
        {
            case PasswordVerification.LockedOut:
                return EmailChangeRequest.LockedOut;
            case PasswordVerification.Invalid:
                return EmailChangeRequest.WrongPassword;
        }

        if (user is null)
        {
            return EmailChangeRequest.WrongPassword;
        }

        if (user.Email is not null && string.Equals(accounts.NormalizeEmail(user.Email), accounts.NormalizeEmail(newEmail), StringComparison.Ordinal))
        {
            return EmailChangeRequest.Unchanged;
        }

        await QueueAsync(MailKinds.EmailChange, userId, newEmail.Trim(), cancellationToken, userStampHash: user.StampHash);
        return EmailChangeRequest.Queued;
    }

    /// <summary>Changes the email once the link sent to the new address is used; recorded as a security event.</summary>
    public async Task<ValidationOutcome> ConfirmEmailChangeAsync(string userId, string email, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var before = await accounts.FindByIdAsync(userId, cancellationToken);
        var outcome = await accounts.ChangeEmailAsync(userId, email.Trim(), code, cancellationToken);
        if (outcome.Succeeded && before is not null)
        {
            await events.RecordAsync(SecurityEventTypes.EmailChanged, userId, before.UserName, null,
                $"confirmed by the link sent to the new address: {before.Email ?? "(none)"} -> {email.Trim()}", cancellationToken);
        }

        return outcome;
    }

    /// <summary>An admin has a reset link mailed to the user; audited.</summary>
    public async Task<AdminResetMail> SendResetByAdminAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await accounts.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminResetMail.UserNotFound;
        }

        if (user.Email is null)
        {
            return AdminResetMail.NoEmail;
        }

        await QueueAsync(MailKinds.PasswordReset, user.Id, user.Email, cancellationToken);
        await audit.WriteAsync(
            new AuditEntry
            {
                At = clock.GetUtcNow(),
                ActorId = actor.Id,
                ActorUserName = actor.UserName,
                Action = AuditActions.ResetMailSent,
                TargetUserId = user.Id,
                TargetUserName = user.UserName,
                Detail = "to " + user.Email,
            },
            cancellationToken);
        return AdminResetMail.Queued;
    }

    private async Task QueueAsync(string kind, string? userId, string address, CancellationToken cancellationToken, string? userStampHash = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var now = clock.GetUtcNow();
        await outbox.EnqueueAsync(
            new MailJob { Id = Guid.NewGuid(), Kind = kind, UserId = userId, Address = address.Trim(), CreatedAt = now, NextAttemptAt = now, UserStampHash = userStampHash },
            cancellationToken);
        signal.Notify();
    }
}

public enum EmailChangeRequest
{
    Queued,
    WrongPassword,
    LockedOut,
    Unchanged,
}

public enum AdminResetMail
{
    Queued,
    UserNotFound,
    NoEmail,
}

/// <summary>Error codes of registration that other layers match on.</summary>
public static class RegistrationErrors
{
    /// <summary>The user name or the email is taken; deliberately not saying which.</summary>
    public const string NameOrEmailUnavailable = "NameOrEmailUnavailable";
}
