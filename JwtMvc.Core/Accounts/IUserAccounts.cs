using JwtMvc.Core.Validation;
using JwtMvc.Core.Auth;

namespace JwtMvc.Core.Accounts;

/// <summary>A user as account recovery and "my account" see them.</summary>
/// <param name="StampHash">
/// A SHA-256 hash (hex) of the user's security stamp, which changes with the password, an admin lock, two-factor
/// sign-in and the email: it tells whether such a change happened between two reads.
/// </param>
public sealed record AccountUser(string Id, string UserName, string? Email, string? DisplayName, bool EmailConfirmed, string? StampHash = null);

public enum PasswordVerification
{
    Valid,
    Invalid,
    LockedOut,
}

/// <summary>
/// What a user does to their own account by email: codes (Identity tokens, base64url) and the changes they
/// allow. Implemented over Identity in JwtMvc.Data. Errors of a bad, used or expired code, and of an unknown
/// user id, are one error under <c>code</c>.
/// </summary>
public interface IUserAccounts
{
    Task<AccountUser?> FindByIdAsync(string userId, CancellationToken cancellationToken);

    Task<AccountUser?> FindByEmailAsync(string email, CancellationToken cancellationToken);

    /// <summary>The form addresses are compared in (per-address limits).</summary>
    string NormalizeEmail(string email);

    Task<string?> CreateEmailConfirmationCodeAsync(string userId, CancellationToken cancellationToken);

    Task<string?> CreatePasswordResetCodeAsync(string userId, CancellationToken cancellationToken);

    Task<string?> CreateEmailChangeCodeAsync(string userId, string newEmail, CancellationToken cancellationToken);

    Task<ValidationOutcome> ConfirmEmailAsync(string userId, string code, CancellationToken cancellationToken);

    /// <summary>Sets a new password; errors under <c>code</c> or <c>newPassword</c>, and then nothing changed.</summary>
    Task<ValidationOutcome> ResetPasswordAsync(string userId, string code, string newPassword, CancellationToken cancellationToken);

    /// <summary>Changes and confirms the email; errors under <c>code</c> or <c>email</c>, and then nothing changed.</summary>
    Task<ValidationOutcome> ChangeEmailAsync(string userId, string newEmail, string code, CancellationToken cancellationToken);

    /// <summary>Checks the user's own password under Identity's lockout rules: a wrong one counts as a failed sign-in.</summary>
    Task<PasswordVerification> VerifyPasswordAsync(string userId, string password, CancellationToken cancellationToken);

    /// <summary>False when the user does not exist.</summary>
    Task<bool> SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken);
}
