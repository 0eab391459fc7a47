using System.Globalization;
using JwtMvc.Core.Auth;

namespace JwtMvc.Core.Admin;

/// <summary>
/// The rules of user administration: admins cannot lock, delete or demote themselves; the last admin who
/// can sign in cannot be locked, deleted or demoted; every change that should end a user's access revokes
/// their sessions at once; every change is written to the audit trail.
/// </summary>
public sealed class UserAdminService(IUserAdministration users, IAuditLog audit, SessionService sessions, AdminChangeGate changes, TimeProvider clock)
{
    public const int MaxAuditEntries = 200;

    public Task<UserPage> ListAsync(string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return users.ListAsync(string.IsNullOrWhiteSpace(search) ? null : search.Trim(), (page - 1) * pageSize, pageSize, clock.GetUtcNow(), cancellationToken);
    }

    public Task<ManagedUser?> FindAsync(string userId, CancellationToken cancellationToken) =>
        users.FindAsync(userId, clock.GetUtcNow(), cancellationToken);

    public async Task<AdminOutcome> CreateAsync(AdminActor actor, NewUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(user);
        var roles = await CanonicalRolesAsync(user.Roles, cancellationToken);
        if (roles is null)
        {
            return UnknownRole;
        }

        var created = await users.CreateAsync(user with { Roles = roles }, cancellationToken);
        if (!created.Succeeded)
        {
            return new AdminOutcome.Invalid(created.Errors);
        }

        await WriteAsync(actor, created.Value!, user.UserName, AuditActions.Created, "roles: " + Describe(roles), cancellationToken);
        return new AdminOutcome.Done(await FindAsync(created.Value!, cancellationToken));
    }

    public async Task<AdminOutcome> UpdateProfileAsync(AdminActor actor, string userId, string? displayName, string email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var before = await FindAsync(userId, cancellationToken);
        if (before is null)
        {
            return AdminOutcome.NotFound;
        }

        displayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        var outcome = await users.UpdateProfileAsync(userId, displayName, email, cancellationToken);
        if (outcome is null)
        {
            return AdminOutcome.NotFound;
        }

        if (!outcome.Succeeded)
        {
            return new AdminOutcome.Invalid(outcome.Errors);
        }

        var changes = new List<string>(2);
        if (!string.Equals(before.Email, email, StringComparison.Ordinal))
        {
            changes.Add($"email: {before.Email ?? "(none)"} -> {email}");
        }

        if (!string.Equals(before.DisplayName, displayName, StringComparison.Ordinal))
        {
            changes.Add("display name changed");
        }

        await WriteAsync(actor, before, AuditActions.ProfileUpdated, changes.Count == 0 ? "no change" : string.Join("; ", changes), cancellationToken);
        return new AdminOutcome.Done(await FindAsync(userId, cancellationToken));
    }

    public async Task<AdminOutcome> SetRolesAsync(AdminActor actor, string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        using var gate = await changes.EnterAsync(cancellationToken);
        try
        {
            return await SetRolesCoreAsync(actor, userId, roles, cancellationToken);
        }
        catch (LastAdminException)
        {
            return LastAdmin("demoted"); // another instance removed the other admin meanwhile
        }
    }

    private async Task<AdminOutcome> SetRolesCoreAsync(AdminActor actor, string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(roles);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminOutcome.NotFound;
        }

        var wanted = await CanonicalRolesAsync(roles, cancellationToken);
        if (wanted is null)
        {
            return UnknownRole;
        }

        var demoted = user.IsInRole(AdminRoles.Admin) && !wanted.Contains(AdminRoles.Admin, StringComparer.OrdinalIgnoreCase);
        if (demoted && IsSelf(actor, user))
        {
            return new AdminOutcome.Refused("You cannot remove your own Admin role",
                "An admin cannot demote themselves; ask another admin to do it.");
        }

        if (demoted && await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin("demoted");
        }

        if (user.Roles.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(wanted))
        {
            return new AdminOutcome.Done(user);
        }

        if (!await users.SetRolesAsync(userId, wanted, cancellationToken))
        {
            return AdminOutcome.NotFound;
        }

        var revoked = await sessions.RevokeAllAsync(userId, SessionRevocationReasons.RolesChanged, cancellationToken);
        await WriteAsync(actor, user, AuditActions.RolesChanged, $"roles: {Describe(user.Roles)} -> {Describe(wanted)}; {Sessions(revoked)} revoked", cancellationToken);
        return new AdminOutcome.Done(await FindAsync(userId, cancellationToken));
    }

    /// <summary>Locks the user out until <paramref name="until"/> (a future time), or indefinitely, and ends their sessions.</summary>
    public async Task<AdminOutcome> LockAsync(AdminActor actor, string userId, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        using var gate = await changes.EnterAsync(cancellationToken);
        try
        {
            return await LockCoreAsync(actor, userId, until, cancellationToken);
        }
        catch (LastAdminException)
        {
            return LastAdmin("locked out"); // another instance removed the other admin meanwhile
        }
    }

    private async Task<AdminOutcome> LockCoreAsync(AdminActor actor, string userId, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminOutcome.NotFound;
        }

        if (until is { } end && end <= clock.GetUtcNow())
        {
            return AdminOutcome.Invalid.Of("until", "LockoutInPast", "The lockout end must be in the future; leave it out to lock indefinitely.");
        }

        if (IsSelf(actor, user))
        {
            return new AdminOutcome.Refused("You cannot lock yourself out", "An admin cannot lock their own account.");
        }

        if (user.IsInRole(AdminRoles.Admin) && await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin("locked out");
        }

        var lockoutEnd = until?.ToUniversalTime() ?? DateTimeOffset.MaxValue;
        if (!await users.LockAsync(userId, lockoutEnd, cancellationToken))
        {
            return AdminOutcome.NotFound;
        }

        var revoked = await sessions.RevokeAllAsync(userId, SessionRevocationReasons.UserLocked, cancellationToken);
        var detail = until is null ? "indefinitely" : "until " + lockoutEnd.ToString("O", CultureInfo.InvariantCulture);
        await WriteAsync(actor, user, AuditActions.Locked, $"{detail}; {Sessions(revoked)} revoked", cancellationToken);
        return new AdminOutcome.Done(await FindAsync(userId, cancellationToken));
    }

    public async Task<AdminOutcome> UnlockAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null || !await users.UnlockAsync(userId, cancellationToken))
        {
            return AdminOutcome.NotFound;
        }

        await WriteAsync(actor, user, AuditActions.Unlocked, null, cancellationToken);
        return new AdminOutcome.Done(await FindAsync(userId, cancellationToken));
    }

    /// <summary>Sets a new password under Identity's rules and ends every session of the user.</summary>
    public async Task<AdminOutcome> ResetPasswordAsync(AdminActor actor, string userId, string newPassword, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminOutcome.NotFound;
        }

        var outcome = await users.ResetPasswordAsync(userId, newPassword, cancellationToken);
        if (outcome is null)
        {
            return AdminOutcome.NotFound;
        }

        if (!outcome.Succeeded)
        {
            return new AdminOutcome.Invalid(outcome.Errors);
        }

        var revoked = await sessions.RevokeAllAsync(userId, SessionRevocationReasons.PasswordReset, cancellationToken);
        await WriteAsync(actor, user, AuditActions.PasswordReset, Sessions(revoked) + " revoked", cancellationToken);
        return new AdminOutcome.Done(await FindAsync(userId, cancellationToken));
    }

    public async Task<AdminOutcome> DeleteAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        using var gate = await changes.EnterAsync(cancellationToken);
        try
        {
            return await DeleteCoreAsync(actor, userId, cancellationToken);
        }
        catch (LastAdminException)
        {
            return LastAdmin("deleted"); // another instance removed the other admin meanwhile
        }
    }

    private async Task<AdminOutcome> DeleteCoreAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminOutcome.NotFound;
        }

        if (IsSelf(actor, user))
        {
            return new AdminOutcome.Refused("You cannot delete yourself", "An admin cannot delete their own account.");
        }

        if (user.IsInRole(AdminRoles.Admin) && await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin("deleted");
        }

        // Revoke first: it evicts this instance's cached session states, which deleting the rows would not.
        var revoked = await sessions.RevokeAllAsync(userId, SessionRevocationReasons.UserDeleted, cancellationToken);
        if (!await users.DeleteAsync(userId, cancellationToken))
        {
            return AdminOutcome.NotFound;
        }

        await WriteAsync(actor, user, AuditActions.Deleted, $"e-mail was {user.Email ?? "(none)"}; {Sessions(revoked)} revoked", cancellationToken);
        return new AdminOutcome.Done(null);
    }

    /// <summary>The user's active sessions; null when the user does not exist.</summary>
    public async Task<IReadOnlyList<Session>?> ListSessionsAsync(string userId, CancellationToken cancellationToken) =>
        await FindAsync(userId, cancellationToken) is null ? null : await sessions.ListActiveAsync(userId, cancellationToken);

    public async Task<AdminOutcome> RevokeSessionsAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminOutcome.NotFound;
        }

        var revoked = await sessions.RevokeAllAsync(userId, SessionRevocationReasons.AdminRevoked, cancellationToken);
        await WriteAsync(actor, user, AuditActions.SessionsRevoked, Sessions(revoked) + " revoked", cancellationToken);
        return new AdminOutcome.Done(await FindAsync(userId, cancellationToken));
    }

    /// <summary>The audit trail of one user, newest first; null when the user does not exist.</summary>
    public async Task<IReadOnlyList<AuditEntry>?> AuditTrailAsync(string userId, CancellationToken cancellationToken) =>
        await FindAsync(userId, cancellationToken) is null ? null : await audit.ListForUserAsync(userId, MaxAuditEntries, cancellationToken);

    private static AdminOutcome UnknownRole { get; } = AdminOutcome.Invalid.Of("roles", "UnknownRole", "Every role must be one that exists (Admin, User).");

    private static bool IsSelf(AdminActor actor, ManagedUser user) => string.Equals(actor.Id, user.Id, StringComparison.Ordinal);

    private static AdminOutcome LastAdmin(string what) => new AdminOutcome.Refused(
        "The last admin cannot be " + what,
        $"This user is the only admin who can sign in; if they were {what}, nobody could administer users. Make another user an admin first.");

    private static string Describe(IEnumerable<string> roles) =>
        roles.Any() ? string.Join(", ", roles.Order(StringComparer.Ordinal)) : "(none)";

    private static string Sessions(int count) => count == 1 ? "1 session" : count.ToString(CultureInfo.InvariantCulture) + " sessions";

    /// <summary>True when no other admin who can sign in would remain without <paramref name="user"/>.</summary>
    private async Task<bool> IsLastAdminAsync(ManagedUser user, CancellationToken cancellationToken)
    {
        var admins = await users.ListActiveMembersAsync(AdminRoles.Admin, clock.GetUtcNow(), cancellationToken);
        return !admins.Any(id => !string.Equals(id, user.Id, StringComparison.Ordinal));
    }

    /// <summary>The roles with the spelling they exist under, without duplicates; null when one does not exist.</summary>
    private async Task<IReadOnlyList<string>?> CanonicalRolesAsync(IReadOnlyList<string> requested, CancellationToken cancellationToken)
    {
        var existing = await users.ListRolesAsync(cancellationToken);
        var result = new List<string>(requested.Count);
        foreach (var role in requested)
        {
            var match = existing.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                return null;
            }

            if (!result.Contains(match, StringComparer.Ordinal))
            {
                result.Add(match);
            }
        }

        return result;
    }

    private Task WriteAsync(AdminActor actor, ManagedUser target, string action, string? detail, CancellationToken cancellationToken) =>
        WriteAsync(actor, target.Id, target.UserName, action, detail, cancellationToken);

    private Task WriteAsync(AdminActor actor, string targetId, string targetUserName, string action, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEntry
            {
                At = clock.GetUtcNow(),
                ActorId = actor.Id,
                ActorUserName = actor.UserName,
                Action = action,
                TargetUserId = targetId,
                TargetUserName = targetUserName,
                Detail = detail,
            },
            cancellationToken);
}
