using System.Security.Cryptography;

using JwtMvc.Core.Auth;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

using CoreIdentityError = JwtMvc.Core.Auth.IdentityError;

namespace JwtMvc.Data.Stores;

/// <summary>
/// The users as the token server sees them, over Identity's <see cref="UserManager{TUser}"/> with its
/// password hashing, validation rules and lockout.
/// </summary>
internal sealed class UserDirectory(UserManager<AppUser> users, AppDbContext db) : IUserDirectory
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

        if (await users.GetAccessFailedCountAsync(user) > 0)
        {
            await users.ResetAccessFailedCountAsync(user);
        }

        return new PasswordCheck.Success(await ToAuthUserAsync(user));
    }

    // Every refresh reads the user: one no-tracking query instead of the user manager's two (user, then roles).
    public Task<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) =>
        new UserLookup(db).FindByIdAsync(userId, cancellationToken);

    public async Task<IdentityOutcome> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(currentPassword);
        ArgumentNullException.ThrowIfNull(newPassword);
        cancellationToken.ThrowIfCancellationRequested();

        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return IdentityOutcome.Failed(UserNotFound);
        }

        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        return result.Succeeded ? IdentityOutcome.Ok : IdentityOutcome.Failed(Map(result, "newPassword"));
    }

    public async Task<IdentityOutcome<AuthUser>> RegisterAsync(string userName, string email, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(password);

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            async ct =>
            {
                // The user and their role are one unit: no account without the User role.
                var user = new AppUser { UserName = userName, Email = email };
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                try
                {
                    var created = await users.CreateAsync(user, password);
                    if (!created.Succeeded)
                    {
                        return IdentityOutcome<AuthUser>.Failed(Map(created, "password"));
                    }

                    var inRole = await users.AddToRoleAsync(user, AppRoles.User);
                    if (!inRole.Succeeded)
                    {
                        await transaction.RollbackAsync(ct);
                        db.ChangeTracker.Clear();
                        return IdentityOutcome<AuthUser>.Failed(Map(inRole, "password"));
                    }

                    await transaction.CommitAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // A concurrent registration won the unique index after Identity's own duplicate check passed.
                    await transaction.RollbackAsync(ct);
                    db.ChangeTracker.Clear();
                    return IdentityOutcome<AuthUser>.Failed(await DuplicateOfAsync(userName, email));
                }

                return IdentityOutcome<AuthUser>.Success(await ToAuthUserAsync(user));
            },
            cancellationToken);
    }

    /// <summary>The input field an Identity error belongs to, by its code.</summary>
    internal static string FieldOf(string code, string passwordField) => code switch
    {
        nameof(IdentityErrorDescriber.PasswordMismatch) => "currentPassword",
        nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.InvalidUserName) => "userName",
        nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.InvalidEmail) => "email",
        _ when code.StartsWith("Password", StringComparison.Ordinal) => passwordField,
        _ => "",
    };

    private static CoreIdentityError UserNotFound { get; } = new("", "UserNotFound", "The user does not exist.");

    private static CoreIdentityError[] Map(IdentityResult result, string passwordField) =>
        [.. result.Errors.Select(e => new CoreIdentityError(FieldOf(e.Code, passwordField), e.Code, e.Description))];

    private async Task<CoreIdentityError> DuplicateOfAsync(string userName, string email)
    {
        var describer = users.ErrorDescriber;
        var error = await users.FindByNameAsync(userName) is not null
            ? describer.DuplicateUserName(userName)
            : describer.DuplicateEmail(email);
        return new CoreIdentityError(FieldOf(error.Code, "password"), error.Code, error.Description);
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
