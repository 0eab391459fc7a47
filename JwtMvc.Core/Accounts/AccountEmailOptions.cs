using System.ComponentModel.DataAnnotations;

namespace JwtMvc.Core.Accounts;

/// <summary>The email side of accounts, from <c>Accounts</c>.</summary>
public sealed class AccountEmailOptions
{
    public const string Section = "Accounts";

    /// <summary>How long a password reset link works.</summary>
    [Range(1, 10_080, ErrorMessage = "Accounts:ResetCodeMinutes must be between {1} and {2}.")]
    public int ResetCodeMinutes { get; set; } = 30;

    /// <summary>How long an email confirmation or email change link works.</summary>
    [Range(1, 720, ErrorMessage = "Accounts:ConfirmationCodeHours must be between {1} and {2}.")]
    public int ConfirmationCodeHours { get; set; } = 24;

    /// <summary>When true an unconfirmed user's right password gets 403 <c>email_not_confirmed</c> and no tokens.</summary>
    public bool RequireConfirmedEmail { get; set; }
}
