using JwtMvc.Core.Validation;
using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;
using JwtMvc.Data.Stores;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

using CoreValidationError = JwtMvc.Core.Validation.ValidationError;

namespace JwtMvc.Data.Email;

/// <summary>A user's own account changes by email code, over Identity's <see cref="UserManager{TUser}"/>.</summary>
internal sealed class UserAccounts(UserManager<AppUser> users, AppDbContext db) : IUserAccounts
{
    private static readonly CoreValidationError InvalidCode =
        new("code", nameof(IdentityErrorDescriber.InvalidToken), "The link is invalid, was already used, or has expired. Ask for a new one.");

    public async Task<AccountUser?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();
        return ToAccountUser(await users.FindByIdAsync(userId));
    }

    public async Task<AccountUser?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        cancellationToken.ThrowIfCancellationRequested();
        return ToAccountUser(await users.FindByEmailAsync(email));
    }

    public string NormalizeEmail(string email) => users.NormalizeEmail(email) ?? "";

    public async Task<string?> CreateEmailConfirmationCodeAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId) is { } user ? await users.GenerateEmailConfirmationTokenAsync(user) : null;

    public async Task<string?> CreatePasswordResetCodeAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId) is { } user ? await users.GeneratePasswordResetTokenAsync(user) : null;

    public async Task<string?> CreateEmailChangeCodeAsync(string userId, string newEmail, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId) is { } user ? await users.GenerateChangeEmailTokenAsync(user, newEmail) : null;

    public Task<ValidationOutcome> ConfirmEmailAsync(string userId, string code, CancellationToken cancellationToken) =>
        ChangeAsync(userId, user => users.ConfirmEmailAsync(user, code), "code");

    public Task<ValidationOutcome> ResetPasswordAsync(string userId, string code, string newPassword, CancellationToken cancellationToken) =>
        ChangeAsync(userId, user => users.ResetPasswordAsync(user, code, newPassword), "newPassword");

    public Task<ValidationOutcome> ChangeEmailAsync(string userId, string newEmail, string code, CancellationToken cancellationToken) =>
        ChangeAsync(
            userId,
            async user =>
            {
                try
                {
                    return await users.ChangeEmailAsync(user, newEmail, code);
                }
                catch (DbUpdateException)
                {
                    // Another account took the address after Identity's own check passed: the unique index refused it.
                    return IdentityResult.Failed(users.ErrorDescriber.DuplicateEmail(newEmail));
                }
            },
            "email");

    public async Task<PasswordVerification> VerifyPasswordAsync(string userId, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return PasswordVerification.Invalid;
        }

        if (await users.IsLockedOutAsync(user))
        {
            return PasswordVerification.LockedOut;
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            return await users.IsLockedOutAsync(user) ? PasswordVerification.LockedOut : PasswordVerification.Invalid;
        }

        if (await users.GetAccessFailedCountAsync(user) > 0)
        {
            await users.ResetAccessFailedCountAsync(user);
        }

        return PasswordVerification.Valid;
    }

    public async Task<bool> SetDisplayNameAsync(string userId, string? displayName, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return false;
        }

        var result = await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(() =>
        {
            user.DisplayName = displayName;
            return users.UpdateAsync(user);
        });
        if (!result.Succeeded)
        {
            db.ChangeTracker.Clear();
            throw new InvalidOperationException("Updating the display name failed: " + string.Join(" ", result.Errors.Select(e => e.Code)));
        }

        return true;
    }

    /// <summary>Runs one Identity change; on failure the user's tracked copy is dropped, so nothing half-changed is saved later.</summary>
    private async Task<ValidationOutcome> ChangeAsync(string userId, Func<AppUser, Task<IdentityResult>> change, string otherField)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return ValidationOutcome.Failed(InvalidCode);
        }

        var result = await change(user);
        if (result.Succeeded)
        {
            return ValidationOutcome.Ok;
        }

        db.ChangeTracker.Clear();
        return ValidationOutcome.Failed([.. result.Errors.Select(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)
            ? InvalidCode
            : new CoreValidationError(FieldOf(e.Code, otherField), e.Code, e.Description))]);
    }

    private static string FieldOf(string code, string otherField) => code switch
    {
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.InvalidEmail) => "email",
        _ when code.StartsWith("Password", StringComparison.Ordinal) => "newPassword",
        _ => otherField,
    };

    private static AccountUser? ToAccountUser(AppUser? user) => user is null
        ? null
        : new AccountUser(user.Id, user.UserName ?? "", user.Email, user.DisplayName, user.EmailConfirmed,
            user.SecurityStamp is { } stamp ? SecurityStamps.Hash(stamp) : null);
}
