namespace JwtMvc.Core.Admin;

/// <summary>A user as the admin page sees them.</summary>
public sealed record ManagedUser(
    string Id,
    string UserName,
    string? DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    DateTimeOffset? LockoutEnd,
    bool EmailConfirmed,
    int ActiveSessions,
    bool TwoFactorEnabled)
{
    public bool IsLockedOutAt(DateTimeOffset now) => LockoutEnd is { } end && end > now;

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.OrdinalIgnoreCase);
}

/// <summary>One page of users and how many match in all.</summary>
public sealed record UserPage(IReadOnlyList<ManagedUser> Items, int TotalCount);

/// <summary>What an admin gives to create a user.</summary>
public sealed record NewUser(string UserName, string Email, string Password, string? DisplayName, IReadOnlyList<string> Roles);

/// <summary>The admin who acts: their id and user name, as the audit trail records them.</summary>
public sealed record AdminActor(string Id, string UserName);
