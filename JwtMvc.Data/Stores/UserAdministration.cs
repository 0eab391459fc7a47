using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Validation;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// The admin page's view of the users, over Identity's managers with their validation rules. Changes that can take
/// an admin away (demote, lock, delete) re-check the last-admin rule inside one transaction that holds the
/// database's lock, so it holds across instances sharing the database.
/// </summary>
internal sealed class UserAdministration(
    AppUserManager users,
    RoleManager<IdentityRole> roles,
    AppDbContext db,
    TimeProvider clock,
    IUserChangeNotifier changes) : IUserAdministration
{
    /// <summary>The SQL Server application lock that admin changes take (<see cref="WriteTransactions.SqlServerExclusiveLock"/>).</summary>
    private const string AdminChangeLock = "JwtMvc.AdminChange";

    public async Task<UserPage> ListAsync(string? search, long skip, int take, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var query = db.Users.AsNoTracking();
        if (!string.IsNullOrEmpty(search))
        {
            // The normalized columns are indexed and upper-cased, so "contains" ignores case on every provider.
            var name = users.NormalizeName(search);
            var email = users.NormalizeEmail(search);
            query = query.Where(u => u.NormalizedUserName!.Contains(name) || u.NormalizedEmail!.Contains(email));
        }

        var total = await query.CountAsync(cancellationToken);
        if (skip >= total)
        {
            return new UserPage([], total); // a page past the end
        }

        var items = await LoadAsync(query.OrderBy(u => u.NormalizedUserName).Skip((int)skip).Take(take), now, cancellationToken);
        return new UserPage(items, total);
    }

    public async Task<ManagedUser?> FindAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var found = await LoadAsync(db.Users.AsNoTracking().Where(u => u.Id == userId), now, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<ValidationOutcome<string>> CreateAsync(NewUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        // Hashed before the write lock is taken (SQLite: the transaction begins IMMEDIATE), not under it.
        var created = new AppUser { UserName = user.UserName, Email = user.Email, DisplayName = user.DisplayName };
        var passwordSet = await users.SetNewPasswordAsync(created, user.Password);
        if (!passwordSet.Succeeded)
        {
            return ValidationOutcome<string>.Failed(passwordSet.ToValidationErrors(passwordField: "password"));
        }

        // The user and their roles are one unit. Null: a concurrent create won the unique index after Identity's own
        // duplicate check passed; which of name and e-mail it took is read once this transaction has rolled back.
        var outcome = await db.InWriteTransactionAsync(
            async _ =>
            {
                try
                {
                    var result = await users.CreateAsync(created);
                    if (result.Succeeded && user.Roles.Count > 0)
                    {
                        result = await users.AddToRolesAsync(created, user.Roles);
                    }

                    if (!result.Succeeded)
                    {
                        db.ChangeTracker.Clear();
                        return ValidationOutcome<string>.Failed(result.ToValidationErrors(passwordField: "password"));
                    }

                    return ValidationOutcome<string>.Success(created.Id);
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    return null;
                }
            },
            cancellationToken,
            commitIf: outcome => outcome is { Succeeded: true });
        return outcome ?? ValidationOutcome<string>.Failed(await users.DuplicateErrorAsync(user.UserName, user.Email));
    }

    public async Task<ValidationOutcome?> UpdateProfileAsync(string userId, string? displayName, string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        user.DisplayName = displayName;

        // SetEmailAsync validates (format, uniqueness), marks the address unconfirmed and saves the display name with it.
        var result = string.Equals(user.Email, email, StringComparison.Ordinal)
            ? await users.UpdateAsync(user)
            : await users.SetEmailAsync(user, email);
        return result.ToValidationOutcome(passwordField: "password");
    }

    public async Task<bool> SetRolesAsync(string userId, IReadOnlyList<string> wanted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return false;
        }

        var removesAdmin = !wanted.Contains(AppRoles.Admin, StringComparer.OrdinalIgnoreCase);
        await ChangeKeepingAnAdminAsync(
            userId,
            removesAdmin,
            async () =>
            {
                // Made again on the fresh row (roles read afresh) when a sign-in saved the user first.
                ThrowIfFailed(
                    await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(async () =>
                    {
                        var current = await users.GetRolesAsync(user);
                        var remove = current.Except(wanted, StringComparer.OrdinalIgnoreCase).ToList();
                        var add = wanted.Except(current, StringComparer.OrdinalIgnoreCase).ToList();
                        if (remove.Count > 0 && await users.RemoveFromRolesAsync(user, remove) is { Succeeded: false } notRemoved)
                        {
                            return notRemoved;
                        }

                        if (add.Count > 0 && await users.AddToRolesAsync(user, add) is { Succeeded: false } notAdded)
                        {
                            return notAdded;
                        }

                        // What the user may do has changed: anything keyed to the old stamp must be reissued.
                        return await users.UpdateSecurityStampAsync(user);
                    }),
                    "changing the roles");
            },
            cancellationToken);
        return true;
    }

    public async Task<bool> LockAsync(string userId, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return false;
        }

        await ChangeKeepingAnAdminAsync(
            userId,
            removesAdmin: true,
            async () =>
            {
                // Saves the lockout with the new stamp; made again on the fresh row when a sign-in saved the user first.
                ThrowIfFailed(
                    await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(() =>
                    {
                        user.LockoutEnabled = true;
                        user.LockoutEnd = until;
                        return users.UpdateSecurityStampAsync(user);
                    }),
                    "locking the user");
            },
            cancellationToken);
        return true;
    }

    public async Task<bool> RenewSecurityStampAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return false;
        }

        // Made again on the fresh row when another request (a failed sign-in, say) saved the user first: an admin ending a
        // user's sessions must not fail because the one holding the account keeps guessing.
        ThrowIfFailed(await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(() => users.UpdateSecurityStampAsync(user)), "renewing the security stamp");
        return true;
    }

    public async Task<bool> UnlockAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return false;
        }

        // Made again on the fresh row when a sign-in saved the user first.
        ThrowIfFailed(
            await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(() =>
            {
                user.LockoutEnd = null;
                user.AccessFailedCount = 0;
                return users.UpdateAsync(user);
            }),
            "unlocking the user");
        return true;
    }

    public async Task<ValidationOutcome?> ResetPasswordAsync(string userId, string newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newPassword);
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        // Identity's own reset: the password rules apply, the hash and the security stamp change together.
        var token = await users.GeneratePasswordResetTokenAsync(user);
        return (await users.ResetPasswordAsync(user, token, newPassword)).ToValidationOutcome(passwordField: "newPassword");
    }

    public async Task<IReadOnlyList<Guid>?> DeleteAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = await FindUserAsync(userId, cancellationToken);
        if (user is null)
        {
            return null;
        }

        IReadOnlyList<Guid> endedSessions = [];
        await ChangeKeepingAnAdminAsync(
            userId,
            removesAdmin: true,
            async () =>
            {
                endedSessions = await db.Sessions
                    .AsNoTracking()
                    .Where(s => s.UserId == userId && s.RevokedAt == null && s.ExpiresAt > now)
                    .Select(s => s.Id)
                    .ToListAsync(cancellationToken);

                // Sessions and their refresh tokens go with the user (cascade).
                ThrowIfFailed(await users.DeleteAsync(user), "deleting the user");
            },
            cancellationToken);
        return endedSessions;
    }

    public async Task<IReadOnlyList<string>> ListRolesAsync(CancellationToken cancellationToken) =>
        await roles.Roles.AsNoTracking().Where(r => r.Name != null).Select(r => r.Name!).OrderBy(n => n).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<string>> ListActiveMembersAsync(string role, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var normalized = roles.NormalizeKey(role);
        return await (
                from userRole in db.UserRoles
                join r in db.Roles on userRole.RoleId equals r.Id
                join user in db.Users on userRole.UserId equals user.Id
                where r.NormalizedName == normalized && !(user.LockoutEnabled && user.LockoutEnd != null && user.LockoutEnd > now)
                select user.Id)
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="change"/> in one transaction that first takes the database's write lock (SQLite: the
    /// transaction begins IMMEDIATE, the one writer; SQL Server: the <see cref="AdminChangeLock"/> application lock), then, when
    /// the change takes <paramref name="userId"/>'s admin rights away, counts the admins who can sign in. Being the
    /// only one throws <see cref="LastAdminException"/> and changes nothing.
    /// </summary>
    private async Task ChangeKeepingAnAdminAsync(string userId, bool removesAdmin, Func<Task> change, CancellationToken cancellationToken)
    {
        await db.InWriteTransactionAsync(
            async ct =>
            {
                if (removesAdmin)
                {
                    var admins = await ListActiveMembersAsync(AppRoles.Admin, clock.GetUtcNow(), ct);
                    if (admins.Count == 1 && admins[0] == userId)
                    {
                        throw new LastAdminException(); // the transaction rolls back
                    }
                }

                await change();
            },
            cancellationToken,
            sqlServerLock: AdminChangeLock);

        // The user manager evicted and published inside the transaction; a read made before the commit may have
        // cached the old record again, here or on another instance.
        await changes.UserChangedAsync(userId, cancellationToken);
    }

    private async Task<AppUser?> FindUserAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();
        return await users.FindByIdAsync(userId);
    }

    private async Task<List<ManagedUser>> LoadAsync(IQueryable<AppUser> query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await query
            .Select(u => new
            {
                u.Id,
                u.UserName,
                u.DisplayName,
                u.Email,
                LockoutEnd = u.LockoutEnabled ? u.LockoutEnd : null,
                u.EmailConfirmed,
                u.TwoFactorEnabled,
                PasskeyCount = db.UserPasskeys.Count(p => p.UserId == u.Id),
                ActiveSessions = db.Sessions.Count(s => s.UserId == u.Id && s.RevokedAt == null && s.ExpiresAt > now),
            })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var memberships = await (
                from userRole in db.UserRoles
                join role in db.Roles on userRole.RoleId equals role.Id
                where ids.Contains(userRole.UserId)
                select new { userRole.UserId, role.Name })
            .ToListAsync(cancellationToken);
        var rolesOf = memberships.ToLookup(m => m.UserId, m => m.Name ?? "", StringComparer.Ordinal);
        return
        [
            .. rows.Select(r => new ManagedUser(
                r.Id,
                r.UserName ?? "",
                r.DisplayName,
                r.Email,
                [.. rolesOf[r.Id].Order(StringComparer.Ordinal)],
                r.LockoutEnd,
                r.EmailConfirmed,
                r.ActiveSessions,
                r.TwoFactorEnabled,
                r.PasskeyCount)),
        ];
    }

    private static void ThrowIfFailed(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            // Only a concurrent change or a broken store gets here: the service has checked the input.
            throw new InvalidOperationException($"Identity refused {what}: {string.Join(" ", result.Errors.Select(e => e.Code))}");
        }
    }
}
