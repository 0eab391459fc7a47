using JwtMvc.Core.Email;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JwtMvc.Web.Email;

/// <summary>MailKit over SMTP, one connection per message (account mail is rare; the outbox retries failures).</summary>
internal sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    private const int TimeoutMilliseconds = 30_000;

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var mime = MimeMessages.Create(message, settings.From);
        using var client = new SmtpClient { Timeout = TimeoutMilliseconds };
        await client.ConnectAsync(settings.Smtp.Host ?? throw new InvalidOperationException("Email:Smtp:Host is not set."), settings.Smtp.Port, SecureSocket(settings.Smtp.Security), cancellationToken);
        if (!string.IsNullOrEmpty(settings.Smtp.UserName))
        {
            await client.AuthenticateAsync(settings.Smtp.UserName, settings.Smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(mime, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    private static SecureSocketOptions SecureSocket(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>Development without an SMTP host: each message becomes an <c>.eml</c> file, and its link is logged.</summary>
internal sealed partial class PickupDirectoryEmailSender(IOptions<EmailOptions> options, IHostEnvironment environment, TimeProvider clock, ILogger<PickupDirectoryEmailSender> logger) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(options.Value.PickupDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{clock.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml");
        using var mime = MimeMessages.Create(message, options.Value.From);
        await mime.WriteToAsync(path, cancellationToken);
        Log.Written(logger, message.To, message.Subject, path, message.Link ?? "(none)");
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Mail to {To} ({Subject}) written to {Path}; link: {Link}")]
        public static partial void Written(ILogger logger, string to, string subject, string path, string link);
    }
}

internal static class MimeMessages
{
    public static MimeMessage Create(EmailMessage message, string from)
    {
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(from));
        mime.To.Add(new MailboxAddress("", message.To));
        mime.Subject = message.Subject;
        mime.Body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody }.ToMessageBody();
        return mime;
    }
}
