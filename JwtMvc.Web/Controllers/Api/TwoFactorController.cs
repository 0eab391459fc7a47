using System.ComponentModel.DataAnnotations;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using QRCoder;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>Enrolment in two-factor sign-in with an authenticator app, and its recovery codes.</summary>
[ApiController]
[Route("api/account/2fa")]
[Authorize]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class TwoFactorController(TwoFactorService twoFactor) : ControllerBase
{
    [HttpGet]
    [ProducesResponseType<TwoFactorStatus>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Status(CancellationToken cancellationToken) =>
        await twoFactor.GetStatusAsync(User.GetUserId(), cancellationToken) is { } status ? Ok(status) : NotFound();

    /// <summary>A new authenticator key (until two-factor sign-in is on), its otpauth URI and that URI as a QR code (an SVG data URI).</summary>
    [HttpPost("authenticator")]
    [ProducesResponseType<AuthenticatorResponse>(StatusCodes.Status200OK)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Authenticator(CancellationToken cancellationToken)
    {
        var setup = await twoFactor.BeginEnrolmentAsync(User.GetUserId(), cancellationToken);
        if (setup is null)
        {
            return Problem(statusCode: StatusCodes.Status409Conflict, title: "Two-factor sign-in is on",
                detail: "Turn two-factor sign-in off before setting up another authenticator.");
        }

        return Ok(new AuthenticatorResponse(setup.SharedKey, setup.AuthenticatorUri, QrCodeDataUri(setup.AuthenticatorUri)));
    }

    [HttpPost("enable")]
    [ProducesResponseType<RecoveryCodesResponse>(StatusCodes.Status200OK)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Enable(EnableTwoFactorRequest request, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.EnableAsync(User.GetUserId(), User.GetSessionId(), request.Code, cancellationToken);
        return outcome switch
        {
            TwoFactorChange.Done done => Ok(new RecoveryCodesResponse(done.RecoveryCodes)),
            _ when outcome == TwoFactorChange.InvalidCode => FieldProblem("code", "The code does not match the authenticator; check the phone's clock and try the next code."),
            _ => Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to enable",
                detail: "Two-factor sign-in is already on, no authenticator was set up, or a new key was made since this code's was shown: scan the latest one."),
        };
    }

    [HttpPost("recovery-codes")]
    [ProducesResponseType<RecoveryCodesResponse>(StatusCodes.Status200OK)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status423Locked)]
    [EnableRateLimiting(AuthRateLimiting.Policy)] // checks the password: a PBKDF2 hash per call, right or wrong
    public async Task<IActionResult> RecoveryCodes(PasswordConfirmation request, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.RegenerateRecoveryCodesAsync(User.GetUserId(), request.Password, cancellationToken);
        return outcome is TwoFactorChange.Done done ? Ok(new RecoveryCodesResponse(done.RecoveryCodes)) : Refused(outcome);
    }

    [HttpPost("disable")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblem(StatusCodes.Status409Conflict)]
    [ProducesProblem(StatusCodes.Status423Locked)]
    [EnableRateLimiting(AuthRateLimiting.Policy)] // checks the password: a PBKDF2 hash per call, right or wrong
    public async Task<IActionResult> Disable(PasswordConfirmation request, CancellationToken cancellationToken)
    {
        var outcome = await twoFactor.DisableAsync(User.GetUserId(), request.Password, cancellationToken);
        return outcome is TwoFactorChange.Done ? NoContent() : Refused(outcome);
    }

    private IActionResult Refused(TwoFactorChange outcome)
    {
        if (outcome == TwoFactorChange.WrongPassword)
        {
            return FieldProblem("password", "The password is incorrect.");
        }

        return outcome == TwoFactorChange.LockedOut
            ? Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked", detail: "Too many wrong passwords. Try again later.")
            : Problem(statusCode: StatusCodes.Status409Conflict, title: "Two-factor sign-in is off", detail: "Turn two-factor sign-in on first.");
    }

    private ActionResult FieldProblem(string field, string message)
    {
        ModelState.AddModelError(field, message);
        return ValidationProblem(ModelState);
    }

    private static string QrCodeDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        return "data:image/svg+xml;base64," + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg));
    }
}

public sealed record AuthenticatorResponse(string SharedKey, string AuthenticatorUri, string QrCode);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

public sealed class EnableTwoFactorRequest
{
    [Required, RegularExpression("^[0-9]{6}$", ErrorMessage = "The code is the six digits the authenticator app shows.")]
    public string Code { get; init; } = "";
}

public sealed class PasswordConfirmation
{
    [Required, StringLength(256)]
    public string Password { get; init; } = "";
}
