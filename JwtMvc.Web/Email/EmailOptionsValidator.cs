using JwtMvc.Core.Email;
using Microsoft.Extensions.Options;
using MimeKit;

namespace JwtMvc.Web.Email;

/// <summary>
/// Mail must go somewhere: outside Development an enabled email needs <c>Email:Smtp:Host</c> and
/// <c>App:PublicBaseUrl</c> (Development falls back to the pickup directory and its own URL).
/// </summary>
internal sealed class EmailOptionsValidator(IHostEnvironment environment, IOptions<AppOptions> app) : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add($"Email:From '{options.From}' is not a mail address (e.g. 'JwtMvc <no-reply@example.com>').");
        }

        if (options.Smtp.Port is < 1 or > 65_535)
        {
            failures.Add($"Email:Smtp:Port must be between 1 and 65535 (it is {options.Smtp.Port}).");
        }

        if (options.Enabled && !environment.IsDevelopment())
        {
            if (string.IsNullOrWhiteSpace(options.Smtp.Host))
            {
                failures.Add("Email:Smtp:Host must name the SMTP server outside Development (or set Email:Enabled to false).");
            }

            if (PublicBaseUrl.Configured(app.Value) is null)
            {
                failures.Add("App:PublicBaseUrl must be the app's absolute http(s) address when email is on outside Development: links in mails start with it.");
            }
        }

        if (app.Value.PublicBaseUrl is { Length: > 0 } configured && PublicBaseUrl.Configured(app.Value) is null)
        {
            failures.Add($"App:PublicBaseUrl '{configured}' must be an absolute http(s) URL.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
