using System.ComponentModel.DataAnnotations;

namespace JwtMvc.Core.Email;

/// <summary>Outgoing mail, from <c>Email</c>.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>False turns every email feature off: their endpoints answer 404 and the pages hide them.</summary>
    public bool Enabled { get; set; } = true;

    [Required]
    public string From { get; set; } = "JwtMvc <no-reply@localhost>";

    /// <summary>Where Development writes <c>.eml</c> files when no SMTP host is set; relative to the content root.</summary>
    [Required]
    public string PickupDirectory { get; set; } = "App_Data/mail";

    /// <summary>At most one mail per address in this many seconds; more are dropped.</summary>
    [Range(0, 86_400, ErrorMessage = "Email:MinSecondsBetweenMails must be between {1} and {2}.")]
    public int MinSecondsBetweenMails { get; set; } = 60;

    public SmtpOptions Smtp { get; set; } = new();
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    /// <summary>1 to 65535 (checked by the app's validator: data annotations of a nested object are not).</summary>
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    public string? UserName { get; set; }

    public string? Password { get; set; }
}

/// <summary>How the SMTP connection is secured (MailKit's <c>SecureSocketOptions</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>TLS on connect for port 465, STARTTLS when the server offers it otherwise.</summary>
    Auto,
    None,
    StartTls,
    SslOnConnect,
}
