using System.ComponentModel.DataAnnotations;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;

namespace JwtMvc.Web.Areas.Admin.Controllers.Api;

public sealed record AdminUserDto(
    string Id,
    string UserName,
    string? DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    bool LockedOut,
    DateTimeOffset? LockoutEnd,
    bool EmailConfirmed,
    int ActiveSessions,
    bool TwoFactorEnabled)
{
    public static AdminUserDto From(ManagedUser user, DateTimeOffset now) => new(
        user.Id, user.UserName, user.DisplayName, user.Email, user.Roles, user.IsLockedOutAt(now), user.LockoutEnd, user.EmailConfirmed, user.ActiveSessions,
        user.TwoFactorEnabled);
}

public sealed record AdminUserPageDto(IReadOnlyList<AdminUserDto> Items, int TotalCount);

public sealed record AdminSessionDto(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, DateTimeOffset ExpiresAt, string? IpAddress, string? UserAgent)
{
    public static AdminSessionDto From(Session session) =>
        new(session.Id, session.CreatedAt, session.LastUsedAt, session.ExpiresAt, session.IpAddress, session.UserAgent);
}

public sealed record ItemsDto<T>(IReadOnlyList<T> Items);

public sealed record AuditEntryDto(DateTimeOffset At, string Actor, string Action, string? Detail)
{
    public static AuditEntryDto From(AuditEntry entry) => new(entry.At, entry.ActorUserName, entry.Action, entry.Detail);
}

// Requests are classes, not positional records: validation errors are then keyed by the JSON (camelCase) name.
public sealed class CreateUserRequest
{
    [Required, StringLength(64)]
    public string UserName { get; init; } = "";

    [Required, EmailAddress, StringLength(256)]
    public string Email { get; init; } = "";

    [Required, StringLength(Passwords.MaxLength)]
    public string Password { get; init; } = "";

    public List<string> Roles { get; init; } = [];

    [StringLength(100)]
    public string? DisplayName { get; init; }
}

public sealed class UpdateUserRequest
{
    [StringLength(100)]
    public string? DisplayName { get; init; }

    [Required, EmailAddress, StringLength(256)]
    public string Email { get; init; } = "";
}

public sealed class SetRolesRequest
{
    [Required]
    public List<string> Roles { get; init; } = [];
}

public sealed class LockRequest
{
    /// <summary>When the lockout ends; absent: indefinitely.</summary>
    public DateTimeOffset? Until { get; init; }
}

public sealed class ResetPasswordRequest
{
    [Required, StringLength(Passwords.MaxLength)]
    public string NewPassword { get; init; } = "";
}
