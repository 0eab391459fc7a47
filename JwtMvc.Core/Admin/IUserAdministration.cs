using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Admin;

/// <summary>
/// Reads and changes users for the admin page. Implemented in JwtMvc.Data over Identity's
/// <c>UserManager</c> and <c>RoleManager</c>, with Identity's validation rules; no rule of
/// <see cref="UserAdminService"/> lives here. Methods that take an unknown user id return null or false.
/// </summary>
public interface IUserAdministration
{
    /// <summary>Users whose user name or e-mail contains <paramref name="search"/> (case-insensitive), by user name.</summary>
    Task<UserPage> ListAsync(string? search, long skip, int take, DateTimeOffset now, CancellationToken cancellationToken);

    Task<ManagedUser?> FindAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Creates the user with their roles, as one unit; the value is the new user's id.</summary>
    Task<ValidationOutcome<string>> CreateAsync(NewUser user, CancellationToken cancellationToken);

    /// <summary>Null when the user does not exist.</summary>
    Task<ValidationOutcome?> UpdateProfileAsync(string userId, string? displayName, string email, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the user's roles exactly <paramref name="roles"/> and renews their security stamp. False when the user does not exist.
    /// Throws <see cref="LastAdminException"/> when it would demote the last admin who can sign in (checked atomically
    /// with the change, across instances); so do <see cref="LockAsync"/> and <see cref="DeleteAsync"/>.
    /// </summary>
    Task<bool> SetRolesAsync(string userId, IReadOnlyList<string> roles, CancellationToken cancellationToken);

    /// <summary>Locks the user out until <paramref name="until"/> and renews their security stamp.</summary>
    Task<bool> LockAsync(string userId, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Renews the user's security stamp, so that a sign-in under way (which compares stamps once its session is stored),
    /// an <c>mfaToken</c> or an e-mailed link made before it no longer counts. False when the user does not exist.
    /// </summary>
    Task<bool> RenewSecurityStampAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Ends a lockout and resets the failed sign-in count.</summary>
    Task<bool> UnlockAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Sets a new password under Identity's password rules (which renews the security stamp). Null when the user does not exist.</summary>
    Task<ValidationOutcome?> ResetPasswordAsync(string userId, string newPassword, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the user with their sessions and refresh tokens, and answers the ids of the sessions that were active at
    /// <paramref name="now"/> (read in the same transaction); null when the user does not exist. Throws
    /// <see cref="LastAdminException"/>, deleting nothing, when the user is the last admin who can sign in.
    /// </summary>
    Task<IReadOnlyList<Guid>?> DeleteAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The names of the roles that exist.</summary>
    Task<IReadOnlyList<string>> ListRolesAsync(CancellationToken cancellationToken);

    /// <summary>The ids of the users in <paramref name="role"/> who are not locked out at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> ListActiveMembersAsync(string role, DateTimeOffset now, CancellationToken cancellationToken);
}
