using System.ComponentModel.DataAnnotations;
using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;

namespace JwtMvc.Web.Controllers.Api;

public sealed class EmailAddressRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string Email { get; init; } = "";
}

public sealed class ResetPasswordWithCodeRequest
{
    [Required, StringLength(450)]
    public string UserId { get; init; } = "";

    [Required, StringLength(2048)]
    public string Code { get; init; } = "";

    [Required, StringLength(256)]
    public string NewPassword { get; init; } = "";
}

public sealed class ConfirmEmailRequest
{
    [Required, StringLength(450)]
    public string UserId { get; init; } = "";

    [Required, StringLength(2048)]
    public string Code { get; init; } = "";
}

public sealed class ChangeEmailRequest
{
    [Required, EmailAddress, StringLength(256)]
    public string NewEmail { get; init; } = "";

    [Required, StringLength(256)]
    public string Password { get; init; } = "";
}

public sealed class ConfirmEmailChangeRequest
{
    [Required, StringLength(450)]
    public string UserId { get; init; } = "";

    [Required, EmailAddress, StringLength(256)]
    public string Email { get; init; } = "";

    [Required, StringLength(2048)]
    public string Code { get; init; } = "";
}

public sealed class UpdateProfileRequest
{
    /// <summary>Blank clears it.</summary>
    [StringLength(100)]
    public string? DisplayName { get; init; }
}

public sealed record RegistrationPendingResponse(bool ConfirmationRequired);

public sealed record AccountSessionDto(
    Guid Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt,
    DateTimeOffset ExpiresAt,
    string? IpAddress,
    string? UserAgent,
    string Device,
    bool Current)
{
    public static AccountSessionDto From(Session session, Guid currentSessionId) => new(
        session.Id,
        session.CreatedAt,
        session.LastUsedAt,
        session.ExpiresAt,
        session.IpAddress,
        session.UserAgent,
        DeviceNames.Describe(session.UserAgent),
        session.Id == currentSessionId);
}

public sealed record AccountSessionsDto(IReadOnlyList<AccountSessionDto> Items);
