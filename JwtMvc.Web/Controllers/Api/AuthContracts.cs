using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using JwtMvc.Core.Auth;

namespace JwtMvc.Web.Controllers.Api;

// Requests are classes, not positional records: validation errors are then keyed by the JSON (camelCase) name.
public sealed class LoginRequest
{
    [Required, StringLength(256)]
    public string UserName { get; init; } = "";

    [Required, StringLength(Passwords.MaxLength)]
    public string Password { get; init; } = "";
}

public sealed record UserSummary(string Id, string UserName, string? Email, IReadOnlyList<string> Roles)
{
    public static UserSummary From(AuthUser user) => new(user.Id, user.UserName, user.Email, user.Roles);
}

/// <summary>The browser session's token answer; the refresh token travels in the cookie only.</summary>
public sealed record SessionTokenResponse(string AccessToken, string TokenType, int ExpiresIn, DateTimeOffset ExpiresAt, UserSummary User)
{
    public static SessionTokenResponse From(IssuedTokens tokens) => new(
        tokens.AccessToken.Token,
        "Bearer",
        tokens.AccessToken.LifetimeSeconds,
        tokens.AccessToken.ExpiresAt,
        UserSummary.From(tokens.User));
}

/// <summary>RFC 6749 §5.1 access token response.</summary>
public sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken)
{
    public static OAuthTokenResponse From(IssuedTokens tokens) =>
        new(tokens.AccessToken.Token, "Bearer", tokens.AccessToken.LifetimeSeconds, tokens.RefreshToken);
}

/// <summary>RFC 6749 §5.2 error response.</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription)
{
    public static OAuthError InvalidRequest(string description) => new("invalid_request", description);

    public static OAuthError InvalidGrant(string description) => new("invalid_grant", description);

    public static OAuthError UnsupportedGrantType(string description) => new("unsupported_grant_type", description);
}

public sealed record MeResponse(string Id, string UserName, string? DisplayName, string? Email, IReadOnlyList<string> Roles, Guid SessionId, DateTimeOffset? ExpiresAt);

public sealed class ChangePasswordRequest
{
    [Required, StringLength(Passwords.MaxLength)]
    public string CurrentPassword { get; init; } = "";

    [Required, StringLength(Passwords.MaxLength)]
    public string NewPassword { get; init; } = "";
}

public sealed class RegisterRequest
{
    [Required, StringLength(64)]
    public string UserName { get; init; } = "";

    [Required, EmailAddress, StringLength(256)]
    public string Email { get; init; } = "";

    [Required, StringLength(Passwords.MaxLength)]
    public string Password { get; init; } = "";
}
