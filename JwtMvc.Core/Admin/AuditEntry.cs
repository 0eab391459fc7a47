namespace JwtMvc.Core.Admin;

/// <summary>
/// One admin action: who did what to whom and when. Names are copied, not referenced, so the trail
/// outlives deleted users. <see cref="Detail"/> never holds a secret.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; init; }

    public DateTimeOffset At { get; init; }

    public required string ActorId { get; init; }

    public required string ActorUserName { get; init; }

    /// <summary>One of <see cref="AuditActions"/>.</summary>
    public required string Action { get; init; }

    public required string TargetUserId { get; init; }

    public required string TargetUserName { get; init; }

    public string? Detail { get; init; }
}

/// <summary>The actions the audit trail records.</summary>
public static class AuditActions
{
    public const string Created = "user-created";
    public const string ProfileUpdated = "profile-updated";
    public const string RolesChanged = "roles-changed";
    public const string Locked = "locked";
    public const string Unlocked = "unlocked";
    public const string PasswordReset = "password-reset";
    public const string SessionsRevoked = "sessions-revoked";
    public const string Deleted = "user-deleted";
    public const string ResetMailSent = "reset-mail-sent";
    public const string TwoFactorReset = "two-factor-reset";
    public const string KeyRotated = "signing-key-rotated";
    public const string KeyRevoked = "signing-key-revoked";
}

/// <summary>Where audit entries are kept. Implemented in JwtMvc.Data.</summary>
public interface IAuditLog
{
    Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The entries about one user, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListForUserAsync(string targetUserId, int max, CancellationToken cancellationToken);
}
