using System.Globalization;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Security;
using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Admin;

/// <summary>
/// The rules of user administration: admins cannot lock, delete or demote themselves; the last admin who
/// can sign in cannot be locked, deleted or demoted; every change that should end a user's access revokes
/// their sessions at once; every change is written to the audit trail, and the security-relevant ones (a password set,
/// an e-mail changed, second factors removed) to the security event log too.
/// </summary>
public sealed class UserAdminService(
    IUserAdministration users,
    IAuditLog audit,
    SessionService sessions,
    TwoFactorService twoFactor,
    ISecurityEventLog events,
    AdminChangeGate changes,
    TimeProvider clock)
{
    public const int MaxAuditEntries = 200;

    public Task<UserPage> ListAsync(string? search, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return users.ListAsync(string.IsNullOrWhiteSpace(search) ? null : search.Trim(), (page - 1L) * pageSize, pageSize, clock.GetUtcNow(), cancellationToken);
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

    public Task<AdminOutcome> UpdateProfileAsync(AdminActor actor, string userId, string? displayName, string email, CancellationToken cancellationToken)
    {
        displayName = string.IsNullOrWhiteSpace(displayName) ? null : displayName.Trim();
        return ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.ProfileUpdated)
        {
            Apply = async _ => Applied(await users.UpdateProfileAsync(userId, displayName, email, cancellationToken)),
            Detail = before =>
            {
                var changes = new List<string>(2);
                if (!string.Equals(before.Email, email, StringComparison.Ordinal))
                {
                    changes.Add($"email: {before.Email ?? "(none)"} -> {email}");
                }

                if (!string.Equals(before.DisplayName, displayName, StringComparison.Ordinal))
                {
                    changes.Add("display name changed");
                }

                return changes.Count == 0 ? "no change" : string.Join("; ", changes);
            },
            SecurityEvent = before => string.Equals(before.Email, email, StringComparison.Ordinal)
                ? null
                : (SecurityEventTypes.EmailChanged, $"by admin {actor.UserName}: {before.Email ?? "(none)"} -> {email}"),
        });
    }

    public Task<AdminOutcome> SetRolesAsync(AdminActor actor, string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        IReadOnlyList<string> wanted = []; // the requested roles as they exist, once the guard has matched them
        return ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.RolesChanged)
        {
            Guard = async user =>
            {
                if (await CanonicalRolesAsync(roles, cancellationToken) is not { } canonical)
                {
                    return UnknownRole;
                }

                wanted = canonical;
                if (IsSelf(actor, user) && Demotes(user))
                {
                    return new AdminOutcome.Refused("You cannot remove your own Admin role",
                        "An admin cannot demote themselves; ask another admin to do it.");
                }

                return user.Roles.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(wanted) ? new AdminOutcome.Done(user) : null;
            },
            LastAdmin = ("demoted", Demotes),
            Apply = async _ => await users.SetRolesAsync(userId, wanted, cancellationToken) ? null : AdminOutcome.NotFound,
            RevokeReason = SessionRevocationReasons.RolesChanged,
            Detail = user => $"roles: {Describe(user.Roles)} -> {Describe(wanted)}",
        });

        bool Demotes(ManagedUser user) => user.IsInRole(AppRoles.Admin) && !wanted.Contains(AppRoles.Admin, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Locks the user out until <paramref name="until"/> (a future time), or indefinitely, and ends their sessions.</summary>
    public Task<AdminOutcome> LockAsync(AdminActor actor, string userId, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var lockoutEnd = until?.ToUniversalTime() ?? DateTimeOffset.MaxValue;
        return ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.Locked)
        {
            Guard = user => Task.FromResult<AdminOutcome?>(
                until is { } end && end <= clock.GetUtcNow()
                    ? AdminOutcome.Invalid.Of("until", "LockoutInPast", "The lockout end must be in the future; leave it out to lock indefinitely.")
                    : IsSelf(actor, user)
                        ? new AdminOutcome.Refused("You cannot lock yourself out", "An admin cannot lock their own account.")
                        : null),
            LastAdmin = ("locked out", IsAdmin),
            Apply = async _ => await users.LockAsync(userId, lockoutEnd, cancellationToken) ? null : AdminOutcome.NotFound,
            RevokeReason = SessionRevocationReasons.UserLocked,
            Detail = _ => until is null ? "indefinitely" : "until " + lockoutEnd.ToString("O", CultureInfo.InvariantCulture),
        });
    }

    public Task<AdminOutcome> UnlockAsync(AdminActor actor, string userId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.Unlocked)
        {
            Apply = async _ => await users.UnlockAsync(userId, cancellationToken) ? null : AdminOutcome.NotFound,
        });

    /// <summary>Sets a new password under Identity's rules and ends every session of the user.</summary>
    public Task<AdminOutcome> ResetPasswordAsync(AdminActor actor, string userId, string newPassword, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.PasswordReset)
        {
            Apply = async _ => Applied(await users.ResetPasswordAsync(userId, newPassword, cancellationToken)),
            RevokeReason = SessionRevocationReasons.PasswordReset,
            SecurityEvent = _ => (SecurityEventTypes.PasswordChanged, "set by admin " + actor.UserName),
        });

    /// <summary>
    /// Takes every second factor away from the user (<see cref="TwoFactorService.RemoveSecondFactorsAsync"/>), so they
    /// sign in with the password alone and can enrol again, and ends every session of theirs.
    /// </summary>
    public Task<AdminOutcome> ResetTwoFactorAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        SecondFactorsRemoved? removed = null;
        return ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.TwoFactorReset)
        {
            Apply = async _ => (removed = await twoFactor.RemoveSecondFactorsAsync(userId, cancellationToken)) is null ? AdminOutcome.NotFound : null,
            RevokeReason = SessionRevocationReasons.TwoFactorReset,
            RecordEvents = () => twoFactor.RecordRemovalAsync(userId, removed!, actor.UserName, CancellationToken.None),
            Detail = before => (before.TwoFactorEnabled ? "authenticator app and recovery codes removed" : "two-factor sign-in was off")
                + (before.PasskeyCount > 0 ? $"; {before.PasskeyCount} passkey{(before.PasskeyCount == 1 ? "" : "s")} removed" : ""),
        });
    }

    /// <summary>
    /// Deletes the user with their sessions, then evicts those sessions from the caches, which deleting the rows
    /// would not. Nothing is revoked before the delete: a delete the database refuses (the last admin, counted
    /// again in its transaction) leaves the user's sessions as they were.
    /// </summary>
    public Task<AdminOutcome> DeleteAsync(AdminActor actor, string userId, CancellationToken cancellationToken)
    {
        IReadOnlyList<Guid> deletedSessions = [];
        return ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.Deleted)
        {
            Guard = user => Task.FromResult<AdminOutcome?>(
                IsSelf(actor, user) ? new AdminOutcome.Refused("You cannot delete yourself", "An admin cannot delete their own account.") : null),
            LastAdmin = ("deleted", IsAdmin),
            Apply = async _ =>
            {
                if (await users.DeleteAsync(userId, clock.GetUtcNow(), cancellationToken) is not { } deleted)
                {
                    return AdminOutcome.NotFound;
                }

                deletedSessions = deleted;
                return null;
            },
            RevokeReason = SessionRevocationReasons.UserDeleted,
            EndSessions = reason => sessions.EndedAsync(userId, deletedSessions, reason),
            Detail = user => $"e-mail was {user.Email ?? "(none)"}",
            RemovesUser = true,
        });
    }

    /// <summary>The user's active sessions; null when the user does not exist.</summary>
    public async Task<IReadOnlyList<Session>?> ListSessionsAsync(string userId, CancellationToken cancellationToken) =>
        await FindAsync(userId, cancellationToken) is null ? null : await sessions.ListActiveAsync(userId, cancellationToken);

    /// <summary>
    /// Ends every session of the user. The security stamp is renewed first, as for a lock or a new password, so a
    /// sign-in under way when the sessions are revoked keeps no session either.
    /// </summary>
    public Task<AdminOutcome> RevokeSessionsAsync(AdminActor actor, string userId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, cancellationToken, new Change(AuditActions.SessionsRevoked)
        {
            Apply = async _ => await users.RenewSecurityStampAsync(userId, cancellationToken) ? null : AdminOutcome.NotFound,
            RevokeReason = SessionRevocationReasons.AdminRevoked,
        });

    /// <summary>The audit trail of one user, newest first; null when the user does not exist.</summary>
    public async Task<IReadOnlyList<AuditEntry>?> AuditTrailAsync(string userId, CancellationToken cancellationToken) =>
        await FindAsync(userId, cancellationToken) is null ? null : await audit.ListForUserAsync(userId, MaxAuditEntries, cancellationToken);

    private static Task<AdminOutcome?> Proceed { get; } = Task.FromResult<AdminOutcome?>(null);

    /// <summary>
    /// Every change to an existing user runs here, in one order: find the user, check the rules (the change's own
    /// guard, then the last-admin rule), make the change, end the user's sessions when the change should end their
    /// access, write the audit entry, read the user again. A change that can take an admin away runs inside
    /// <see cref="AdminChangeGate"/>, so that the last-admin check and the change never interleave with another such
    /// change on this instance.
    /// </summary>
    private async Task<AdminOutcome> ChangeAsync(AdminActor actor, string userId, CancellationToken cancellationToken, Change change)
    {
        ArgumentNullException.ThrowIfNull(actor);
        using var gate = change.LastAdmin is null ? null : await changes.EnterAsync(cancellationToken);
        var user = await FindAsync(userId, cancellationToken);
        if (user is null)
        {
            return AdminOutcome.NotFound;
        }

        if (await change.Guard(user) is { } stopped)
        {
            return stopped;
        }

        if (change.LastAdmin is ({ } verb, var removesAdmin) && removesAdmin(user) && await IsLastAdminAsync(user, cancellationToken))
        {
            return LastAdmin(verb);
        }

        try
        {
            if (await change.Apply(user) is { } failed)
            {
                return failed;
            }
        }
        catch (LastAdminException) when (change.LastAdmin is ({ } removal, _))
        {
            return LastAdmin(removal); // another instance removed the other admin since the check above
        }

        // Committed: nothing after this is abandoned with the request (the sessions must end, the change be audited).
        var revoked = await EndSessionsAsync(change, userId);

        if (change.SecurityEvent(user) is ({ } eventType, var eventDetail))
        {
            await events.RecordAsync(eventType, user.Id, user.UserName, null, eventDetail, CancellationToken.None);
        }

        if (change.RecordEvents is { } record)
        {
            await record();
        }

        var detail = change.Detail(user);
        if (change.RevokeReason is not null)
        {
            detail = (detail is null ? "" : detail + "; ") + Sessions(revoked) + " revoked";
        }

        await WriteAsync(actor, user, change.AuditAction, detail, CancellationToken.None);
        return new AdminOutcome.Done(change.RemovesUser ? null : await FindAsync(userId, cancellationToken));
    }

    private async Task<int> EndSessionsAsync(Change change, string userId) =>
        change.RevokeReason is not { } reason ? 0
        : change.EndSessions is { } end ? await end(reason)
        : await sessions.RevokeAllAsync(userId, reason);

    /// <summary>What a store's answer means for the change: null when made, otherwise why not.</summary>
    private static AdminOutcome? Applied(ValidationOutcome? outcome) =>
        outcome is null ? AdminOutcome.NotFound : outcome.Succeeded ? null : new AdminOutcome.Invalid(outcome.Errors);

    private static bool IsAdmin(ManagedUser user) => user.IsInRole(AppRoles.Admin);

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
        var admins = await users.ListActiveMembersAsync(AppRoles.Admin, clock.GetUtcNow(), cancellationToken);
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

    /// <summary>One change to an existing user, as <see cref="ChangeAsync"/> runs it.</summary>
    /// <param name="AuditAction">One of <see cref="AuditActions"/>.</param>
    private sealed record Change(string AuditAction)
    {
        /// <summary>The change's own rules, checked on the user as found: an outcome stops it (invalid, refused, or done with nothing to change).</summary>
        public Func<ManagedUser, Task<AdminOutcome?>> Guard { get; init; } = _ => Proceed;

        /// <summary>
        /// For a change that can take an admin away: what it does to them, for the refusal, and whether it does so to
        /// this user. Such a change runs inside the gate, and never to the last admin who can sign in.
        /// </summary>
        public (string Verb, Func<ManagedUser, bool> RemovesAdmin)? LastAdmin { get; init; }

        /// <summary>Makes the change: null when made, otherwise why not (the user is gone, Identity refused the input).</summary>
        public required Func<ManagedUser, Task<AdminOutcome?>> Apply { get; init; }

        /// <summary>Set when the change ends the user's access: every session of theirs is revoked with this reason.</summary>
        public string? RevokeReason { get; init; }

        /// <summary>
        /// Ends the sessions instead of revoking them, given <see cref="RevokeReason"/>; answers how many ended. For a
        /// change whose store already ended them (a delete).
        /// </summary>
        public Func<string, Task<int>>? EndSessions { get; init; }

        /// <summary>The audit entry's detail, never a secret; how many sessions were revoked is added to it.</summary>
        public Func<ManagedUser, string?> Detail { get; init; } = _ => null;

        /// <summary>
        /// For a security-relevant change, the <see cref="SecurityEventTypes"/> event to record (never a secret in its
        /// detail); null when this change, as it turned out, is not one. Changes that record their own events leave it out.
        /// </summary>
        public Func<ManagedUser, (string Type, string Detail)?> SecurityEvent { get; init; } = _ => null;

        /// <summary>For a change whose own service words its security events: records them, after the sessions ended.</summary>
        public Func<Task>? RecordEvents { get; init; }

        /// <summary>Done without the user, who no longer exists, instead of the user read again.</summary>
        public bool RemovesUser { get; init; }
    }
}
