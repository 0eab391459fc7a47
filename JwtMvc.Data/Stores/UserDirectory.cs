using System.Security.Cryptography;

using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Validation;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// The users as the token server sees them, over Identity's <see cref="UserManager{TUser}"/> with its
/// password hashing, validation rules and lockout.
/// </summary>
internal sealed class UserDirectory(AppUserManager users, AppDbContext db) : IUserDirectory
{
    private static string? s_dummyPasswordHash;

    public async Task<PasswordCheck> CheckPasswordAsync(string userNameOrEmail, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userNameOrEmail);
        ArgumentNullException.ThrowIfNull(password);
        cancellationToken.ThrowIfCancellationRequested();

        var user = await FindByNameOrEmailAsync(userNameOrEmail);
        if (user is null)
        {
            // Spend what a real check costs, so response time does not tell which user names exist.
            VerifyAgainstDummyHash(password);
            return new PasswordCheck.InvalidCredentials();
        }

        // Before anything below saves the user: a save that meets a concurrent change reloads the record.
        var stampHash = SecurityStamps.Hash(user.SecurityStamp);
        if (await users.IsLockedOutAsync(user))
        {
            // No failure is counted while locked out; only a right password learns that the account is locked.
            return await users.CheckPasswordAsync(user, password)
                ? new PasswordCheck.LockedOut(await users.GetLockoutEndDateAsync(user), user.Id)
                : new PasswordCheck.InvalidCredentials(user.Id);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            return new PasswordCheck.InvalidCredentials(user.Id, NowLockedOut: await users.IsLockedOutAsync(user));
        }

        // With two-factor sign-in on, the password is only the first step and shares the failure count with the code
        // step: the count is reset when the second factor succeeds, not here, or signing in again with the password
        // would wipe the wrong codes and the guesses at the code would never lock the account (as Identity's
        // SignInManager does).
        if (!user.TwoFactorEnabled && await users.GetAccessFailedCountAsync(user) > 0)
        {
            await users.ResetAccessFailedCountAsync(user);
        }

        if (users.Options.SignIn.RequireConfirmedEmail && !await users.IsEmailConfirmedAsync(user))
        {
            return new PasswordCheck.EmailNotConfirmed();
        }

        return new PasswordCheck.Success(await ToAuthUserAsync(user), stampHash);
    }

    public async Task<ValidationOutcome> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(currentPassword);
        ArgumentNullException.ThrowIfNull(newPassword);
        cancellationToken.ThrowIfCancellationRequested();

        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return ValidationOutcome.Failed(UserNotFound);
        }

        // A wrong current password is a password guess like a failed login: it counts toward the lockout, and
        // while locked out no guess is checked at all.
        if (await users.IsLockedOutAsync(user))
        {
            return ValidationOutcome.Failed(LockedOut);
        }

        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch)))
        {
            await users.AccessFailedAsync(user);
        }
        else if (result.Succeeded && await users.GetAccessFailedCountAsync(user) > 0)
        {
            await users.ResetAccessFailedCountAsync(user);
        }

        return result.ToValidationOutcome(passwordField: "newPassword");
    }

    public async Task<ValidationOutcome<AuthUser>> RegisterAsync(string userName, string email, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(password);

        // Hashed before the write lock is taken (SQLite: the transaction begins IMMEDIATE), not under it.
        var user = new AppUser { UserName = userName, Email = email };
        var passwordSet = await users.SetNewPasswordAsync(user, password);
        if (!passwordSet.Succeeded)
        {
            return ValidationOutcome<AuthUser>.Failed(ConcealDuplicates(passwordSet.ToValidationErrors(passwordField: "password")));
        }

        // The user and their role are one unit: no account without the User role.
        return await db.InWriteTransactionAsync(
            async _ =>
            {
                try
                {
                    var created = await users.CreateAsync(user);
                    if (!created.Succeeded)
                    {
                        return ValidationOutcome<AuthUser>.Failed(ConcealDuplicates(created.ToValidationErrors(passwordField: "password")));
                    }

                    var inRole = await users.AddToRoleAsync(user, AppRoles.User);
                    if (!inRole.Succeeded)
                    {
                        db.ChangeTracker.Clear();
                        return ValidationOutcome<AuthUser>.Failed(inRole.ToValidationErrors(passwordField: "password"));
                    }
                }
                catch (DbUpdateException)
                {
                    // A concurrent registration won the unique index after Identity's own duplicate check passed.
                    db.ChangeTracker.Clear();
                    return ValidationOutcome<AuthUser>.Failed(NameOrEmailUnavailable);
                }

                return ValidationOutcome<AuthUser>.Success(await ToAuthUserAsync(user));
            },
            cancellationToken,
            commitIf: outcome => outcome.Succeeded);
    }

    private static ValidationError UserNotFound { get; } = new("", "UserNotFound", "The user does not exist.");

    private static ValidationError LockedOut { get; } =
        new("currentPassword", "LockedOut", "Too many wrong passwords: the account is locked for a while. Try again later.");

    /// <summary>Registration's one answer for a taken user name or email: it must not tell which accounts exist.</summary>
    internal static ValidationError NameOrEmailUnavailable { get; } =
        new("", RegistrationErrors.NameOrEmailUnavailable, "This user name or email cannot be used. Choose another user name or email.");

    private static readonly string[] s_duplicateCodes =
        [nameof(IdentityErrorDescriber.DuplicateUserName), nameof(IdentityErrorDescriber.DuplicateEmail)];

    // Identity reports a taken name or email beside other errors (a malformed user name, say). Those are answered
    // alone, so whether the name or email is taken shows only when nothing else is wrong, and then only as the one
    // generic error, which the caller can answer like a success where no enumeration is allowed.
    private static ValidationError[] ConcealDuplicates(ValidationError[] errors)
    {
        var others = errors.Where(e => !s_duplicateCodes.Contains(e.Code)).ToArray();
        return others.Length == 0 && errors.Length > 0 ? [NameOrEmailUnavailable] : others;
    }

    private async Task<AppUser?> FindByNameOrEmailAsync(string userNameOrEmail) =>
        await users.FindByNameAsync(userNameOrEmail)
        ?? (userNameOrEmail.Contains('@', StringComparison.Ordinal) ? await users.FindByEmailAsync(userNameOrEmail) : null);

    private void VerifyAgainstDummyHash(string password)
    {
        var hasher = users.PasswordHasher;
        var dummyHash = s_dummyPasswordHash ??= hasher.HashPassword(new AppUser(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        _ = hasher.VerifyHashedPassword(new AppUser(), dummyHash, password);
    }

    private async Task<AuthUser> ToAuthUserAsync(AppUser user)
    {
        var roles = await users.GetRolesAsync(user);
        return new AuthUser(user.Id, user.UserName ?? "", user.Email, user.DisplayName, [.. roles.Order(StringComparer.Ordinal)]);
    }
}
