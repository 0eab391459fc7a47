using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Errors;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Controllers.Api;

[ApiController]
[Route("api/account")]
public sealed class AccountController(AccountService accounts, IOptions<AccountOptions> options) : ControllerBase
{
    /// <summary>Changes the caller's password; every other session of theirs ends.</summary>
    [HttpPost("password")]
    [Authorize]
    public async Task<IActionResult> ChangePassword(ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var outcome = await accounts.ChangePasswordAsync(User.GetUserId(), User.GetSessionId(), request.CurrentPassword, request.NewPassword, cancellationToken);
        return outcome.Succeeded ? NoContent() : this.ValidationProblem(outcome.Errors);
    }

    [HttpPost("register")]
    [AllowAnonymous]
    [EnableRateLimiting(AuthRateLimiting.RegistrationPolicy)]
    public async Task<IActionResult> Register(RegisterRequest request, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowRegistration)
        {
            return Problem(statusCode: StatusCodes.Status403Forbidden, title: "Registration is closed",
                detail: "This site does not accept new accounts; ask an administrator.");
        }

        var outcome = await accounts.RegisterAsync(request.UserName, request.Email, request.Password, cancellationToken);
        return outcome.Succeeded
            ? Created((string?)null, UserSummary.From(outcome.Value!))
            : this.ValidationProblem(outcome.Errors);
    }
}

public sealed class AccountOptions
{
    public const string Section = "Accounts";

    public bool AllowRegistration { get; set; } = true;
}
