using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Errors;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Controllers.Api;

[ApiController]
[Route("api/account")]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class AccountController(AccountService accounts, AccountEmailService accountEmail, IOptions<AccountOptions> options) : ControllerBase
{
    /// <summary>
    /// Changes the caller's password; every other session of theirs ends. A wrong current password is a password
    /// guess: rate limited with sign-in and counted toward the lockout.
    /// </summary>
    [HttpPost("password")]
    [Authorize]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<Results<NoContent, ValidationProblem>> ChangePassword(ChangePasswordRequest request, CancellationToken cancellationToken)
    {
        var outcome = await accounts.ChangePasswordAsync(User.GetUserId(), User.GetSessionId(), request.CurrentPassword, request.NewPassword, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : ProblemResults.ValidationProblem(outcome.Errors);
    }

    /// <summary>Creates an account. Every attempt counts toward the sign-in rate limit: a taken name is one more guess.</summary>
    [HttpPost("register")]
    [AllowAnonymous]
    [ProducesProblem(StatusCodes.Status403Forbidden)] // registration closed
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<Results<Created<UserSummary>, Accepted<RegistrationPendingResponse>, ValidationProblem, ProblemHttpResult>> Register(RegisterRequest request, CancellationToken cancellationToken)
    {
        if (!options.Value.AllowRegistration)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Registration is closed",
                detail: "This site does not accept new accounts; ask an administrator.");
        }

        var outcome = await accounts.RegisterAsync(request.UserName, request.Email, request.Password, cancellationToken);
        if (await accountEmail.AfterRegistrationAsync(outcome, request.Email, cancellationToken))
        {
            return TypedResults.Accepted((string?)null, new RegistrationPendingResponse(ConfirmationRequired: true));
        }

        return outcome.Succeeded
            ? TypedResults.Created((string?)null, UserSummary.From(outcome.Value!))
            : ProblemResults.ValidationProblem(outcome.Errors);
    }
}

public sealed class AccountOptions
{
    public const string Section = "Accounts";

    public bool AllowRegistration { get; set; } = true;
}
