namespace JwtMvc.Core.Email;

/// <summary>
/// One message to one recipient. <see cref="TextBody"/> always holds the whole message, its link on a line of
/// its own; <see cref="HtmlBody"/> is the same content for mail readers that prefer HTML.
/// </summary>
/// <param name="Link">The message's one link, logged by the pickup-directory sender in Development.</param>
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody, string? Link);

/// <summary>Hands a message to the mail transport. Implemented in JwtMvc.Web (MailKit over SMTP, or a pickup directory).</summary>
public interface IEmailSender
{
    /// <summary>Sends the message or throws: the caller retries later.</summary>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
