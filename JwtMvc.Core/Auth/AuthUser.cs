namespace JwtMvc.Core.Auth;

/// <summary>What the token server needs to know of a user, read fresh from the user store.</summary>
public sealed record AuthUser(
    string Id,
    string UserName,
    string? Email,
    string? DisplayName,
    IReadOnlyList<string> Roles);

/// <summary>Where a request came from; kept with a session for the admin page.</summary>
public sealed record ClientInfo(string? IpAddress, string? UserAgent);
