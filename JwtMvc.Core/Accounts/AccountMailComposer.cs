using System.Net;
using JwtMvc.Core.Email;

namespace JwtMvc.Core.Accounts;

/// <summary>
/// Turns a queued <see cref="MailJob"/> into the message to send, with a fresh code, or into nothing when there
/// is nothing to send (an address that belongs to no one, an email that is already confirmed). Runs off the
/// request path, so whether an address exists never shows in an answer.
/// </summary>
public sealed class AccountMailComposer(IUserAccounts accounts, AccountLinks links)
{
    public async Task<EmailMessage?> ComposeAsync(MailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var user = job.UserId is { } userId
            ? await accounts.FindByIdAsync(userId, cancellationToken)
            : await accounts.FindByEmailAsync(job.Address, cancellationToken);
        if (user is null)
        {
            return null;
        }

        return job.Kind switch
        {
            MailKinds.PasswordReset => await PasswordResetAsync(user, cancellationToken),
            MailKinds.ConfirmEmail => await ConfirmEmailAsync(user, job, cancellationToken),
            MailKinds.EmailChange => await EmailChangeAsync(user, job, cancellationToken),
            MailKinds.RegistrationAttempt => RegistrationAttempt(user),
            _ => null,
        };
    }

    private async Task<EmailMessage?> PasswordResetAsync(AccountUser user, CancellationToken cancellationToken)
    {
        if (user.Email is null || await accounts.CreatePasswordResetCodeAsync(user.Id, cancellationToken) is not { } code)
        {
            return null;
        }

        return Message(
            user.Email,
            "Reset your JwtMvc password",
            $"Hello {user.UserName},",
            "Someone asked to reset the password of your JwtMvc account. To choose a new password, open this link:",
            links.ResetPassword(user.Id, code),
            "The link works once. If you did not ask for it, ignore this mail: your password stays as it is.");
    }

    private async Task<EmailMessage?> ConfirmEmailAsync(AccountUser user, MailJob job, CancellationToken cancellationToken)
    {
        // A job queued at registration is void once the address changed; an address is confirmed once.
        if (user.EmailConfirmed || user.Email is null
            || (job.UserId is not null && !string.Equals(user.Email, job.Address, StringComparison.OrdinalIgnoreCase))
            || await accounts.CreateEmailConfirmationCodeAsync(user.Id, cancellationToken) is not { } code)
        {
            return null;
        }

        return Message(
            user.Email,
            "Confirm your email address for JwtMvc",
            $"Hello {user.UserName},",
            "Please confirm that this is your email address by opening this link:",
            links.ConfirmEmail(user.Id, code),
            "If you did not create a JwtMvc account, ignore this mail.");
    }

    private async Task<EmailMessage?> EmailChangeAsync(AccountUser user, MailJob job, CancellationToken cancellationToken)
    {
        // The code is made now, under the stamp of now: a request made before a new password (or a lock, or a
        // two-factor change) must not get a code that the change would otherwise have voided.
        var newEmail = job.Address;
        if ((job.UserStampHash is { } queuedUnder && !string.Equals(queuedUnder, user.StampHash, StringComparison.Ordinal))
            || await accounts.CreateEmailChangeCodeAsync(user.Id, newEmail, cancellationToken) is not { } code)
        {
            return null;
        }

        return Message(
            newEmail,
            "Confirm your new email address for JwtMvc",
            $"Hello {user.UserName},",
            "You asked to use this address for your JwtMvc account. Your email changes when you open this link:",
            links.ConfirmEmailChange(user.Id, newEmail, code),
            "Until then your old address stays in use. If you did not ask for this, ignore this mail.");
    }

    private EmailMessage? RegistrationAttempt(AccountUser user) => user.Email is null
        ? null
        : Message(
            user.Email,
            "Someone tried to create a JwtMvc account with your address",
            $"Hello {user.UserName},",
            "Someone tried to create a new JwtMvc account with this email address, which already has one. If it was you, sign in, or reset your password here:",
            links.ForgotPassword(),
            "If it was not you, you need not do anything: no account was created.");

    private static EmailMessage Message(string to, string subject, string greeting, string before, string link, string after)
    {
        var text = $"{greeting}\n\n{before}\n\n{link}\n\n{after}\n";
        Func<string, string> encode = s => WebUtility.HtmlEncode(s);
        var html = $"<p>{encode(greeting)}</p><p>{encode(before)}</p><p><a href=\"{encode(link)}\">{encode(link)}</a></p><p>{encode(after)}</p>";
        return new EmailMessage(to, subject, text, html, link);
    }
}
