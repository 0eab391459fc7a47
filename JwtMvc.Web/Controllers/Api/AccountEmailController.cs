using JwtMvc.Core.Validation;
using JwtMvc.Core.Accounts;
using JwtMvc.Core.Auth;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Email;
using JwtMvc.Web.Errors;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>
/// Account recovery and email changes by mailed link. The endpoints that take an address answer 202 whatever
/// it is: the mail, if any, is decided off the request path.
/// </summary>
[ApiController]
[Route("api/account")]
[RequiresEmail]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class AccountEmailController(AccountEmailService accounts) : ControllerBase
{
    [HttpPost("forgot-password")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<AcceptedResult> ForgotPassword(EmailAddressRequest request, CancellationToken cancellationToken)
    {
        await accounts.RequestPasswordResetAsync(request.Email, cancellationToken);
        return Accepted();
    }

    [HttpPost("resend-confirmation")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<AcceptedResult> ResendConfirmation(EmailAddressRequest request, CancellationToken cancellationToken)
    {
        await accounts.ResendConfirmationAsync(request.Email, cancellationToken);
        return Accepted();
    }

    /// <summary>Sets a new password with a mailed code; every session of the user ends.</summary>
    [HttpPost("reset-password")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<IActionResult> ResetPassword(ResetPasswordWithCodeRequest request, CancellationToken cancellationToken) =>
        NoContentOrProblem(await accounts.ResetPasswordAsync(request.UserId, request.Code, request.NewPassword, cancellationToken));

    [HttpPost("confirm-email")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> ConfirmEmail(ConfirmEmailRequest request, CancellationToken cancellationToken) =>
        NoContentOrProblem(await accounts.ConfirmEmailAsync(request.UserId, request.Code, cancellationToken));

    /// <summary>Mails a confirmation link to the new address; the email changes when it is used.</summary>
    [HttpPost("email")]
    [Authorize]
    [ProducesResponseType(StatusCodes.Status202Accepted)]
    [ProducesProblem(StatusCodes.Status423Locked)]
    [EnableRateLimiting(AuthRateLimiting.Policy)] // checks the password: a PBKDF2 hash per call, right or wrong
    public async Task<IActionResult> ChangeEmail(ChangeEmailRequest request, CancellationToken cancellationToken) =>
        await accounts.RequestEmailChangeAsync(User.GetUserId(), request.NewEmail, request.Password, cancellationToken) switch
        {
            EmailChangeRequest.Queued => Accepted(),
            EmailChangeRequest.LockedOut => Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
                detail: "This account is locked after too many wrong passwords. Try again later."),
            EmailChangeRequest.Unchanged => this.ValidationProblem([new ValidationError("newEmail", "SameEmail", "This is already your email address.")]),
            _ => this.ValidationProblem([new ValidationError("password", "PasswordMismatch", "The password is incorrect.")]),
        };

    [HttpPost("confirm-email-change")]
    [AllowAnonymous]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public async Task<IActionResult> ConfirmEmailChange(ConfirmEmailChangeRequest request, CancellationToken cancellationToken) =>
        NoContentOrProblem(await accounts.ConfirmEmailChangeAsync(request.UserId, request.Email, request.Code, cancellationToken));

    private IActionResult NoContentOrProblem(ValidationOutcome outcome) =>
        outcome.Succeeded ? NoContent() : this.ValidationProblem(outcome.Errors);
}
