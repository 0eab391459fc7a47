using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The caller's own profile and sessions ("my account").</summary>
[ApiController]
[Route("api/account")]
[Authorize]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class AccountProfileController(IUserAccounts accounts, IUserReader users, AccountSessions sessions) : ControllerBase
{
    [HttpPut("profile")]
    [EnableRateLimiting(WriteRateLimiting.Policy)]
    public async Task<ActionResult<MeResponse>> UpdateProfile(UpdateProfileRequest request, CancellationToken cancellationToken)
    {
        var userId = User.GetUserId();
        var displayName = string.IsNullOrWhiteSpace(request.DisplayName) ? null : request.DisplayName.Trim();
        if (!await accounts.SetDisplayNameAsync(userId, displayName, cancellationToken)
            || await users.FindByIdAsync(userId, cancellationToken) is not { } user)
        {
            return NotFound();
        }

        long? expires = long.TryParse(User.FindFirst("exp")?.Value, out var seconds) ? seconds : null;
        return new MeResponse(user.Id, user.UserName, user.DisplayName, user.Email, user.Roles, User.GetSessionId(),
            expires is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null);
    }

    [HttpGet("sessions")]
    public async Task<AccountSessionsDto> Sessions(CancellationToken cancellationToken)
    {
        var current = User.GetSessionId();
        var items = await sessions.ListAsync(User.GetUserId(), cancellationToken);
        return new AccountSessionsDto([.. items.OrderByDescending(s => s.LastUsedAt).Select(s => AccountSessionDto.From(s, current))]);
    }

    /// <summary>Signs one of the caller's sessions out; another user's (or an ended) session is 404.</summary>
    [HttpDelete("sessions/{id:guid}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> EndSession(Guid id, CancellationToken cancellationToken) =>
        await sessions.SignOutAsync(User.GetUserId(), id, cancellationToken) ? NoContent() : NotFound();

    [HttpPost("sessions/revoke-others")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<NoContentResult> EndOtherSessions(CancellationToken cancellationToken)
    {
        await sessions.SignOutOthersAsync(User.GetUserId(), User.GetSessionId(), cancellationToken);
        return NoContent();
    }
}
