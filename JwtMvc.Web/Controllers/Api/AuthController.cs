using JwtMvc.Core.Auth;
using System.Text.Json;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Auth.Passkeys;
using JwtMvc.Web.Security;
using JwtMvc.Web.Uploads;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The browser session (refresh token in an HttpOnly cookie) and the OAuth-shaped endpoints for API clients.</summary>
[ApiController]
[Route("api/auth")]
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
[RequestBodyLimit(RequestBodyLimitAttribute.SmallBodyBytes)]
public sealed class AuthController(TokenService tokens) : ControllerBase
{
    /// <summary>A password sign-in; for a user with two-factor sign-in on, 200 with an mfaToken and no token, no cookie.</summary>
    [HttpPost("login")]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    [ProducesProblem(StatusCodes.Status403Forbidden)] // email not confirmed
    [ProducesProblem(StatusCodes.Status423Locked)]
    public async Task<Results<Ok<SessionTokenResponse>, Ok<TwoFactorRequiredResponse>, ProblemHttpResult>> Login(LoginRequest request, [FromServices] SignInService signIn, CancellationToken cancellationToken)
    {
        var outcome = await signIn.PasswordSignInAsync(request.UserName, request.Password, HttpContext.GetClientInfo(), cancellationToken);
        if (outcome is SignInOutcome.TwoFactorRequired required)
        {
            return TypedResults.Ok(TwoFactorRequiredResponse.For(required.MfaToken));
        }

        return SessionAnswer(outcome, "The user name or password is incorrect.").Result switch
        {
            Ok<SessionTokenResponse> ok => ok,
            var problem => (ProblemHttpResult)problem,
        };
    }

    /// <summary>The second step of a sign-in: the mfaToken from login plus an authenticator or a recovery code.</summary>
    [HttpPost("login/2fa")]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    [ProducesProblem(StatusCodes.Status403Forbidden)] // email not confirmed
    [ProducesProblem(StatusCodes.Status423Locked)]
    public async Task<Results<Ok<SessionTokenResponse>, ProblemHttpResult>> LoginSecondFactor(
        SecondFactorLoginRequest request, [FromServices] SecondFactorSignIn secondFactor, CancellationToken cancellationToken)
    {
        var outcome = await secondFactor.CompleteAsync(request.MfaToken, request.Code, request.RecoveryCode, HttpContext.GetClientInfo(), cancellationToken);
        return SessionAnswer(outcome, "The code is wrong, or the sign-in expired; sign in again if it keeps failing.");
    }

    /// <summary>Request options for a passkey sign-in (<c>navigator.credentials.get()</c>): one ceremony, used once, for 5 minutes.</summary>
    [HttpPost("passkey/options")]
    [PasskeysEnabled]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<Ok<JsonElement>> PasskeyOptions([FromServices] PasskeyService passkeys, CancellationToken cancellationToken) =>
        TypedResults.Ok(PasskeyJson.Parse(await passkeys.BeginSignInAsync(cancellationToken)));

    /// <summary>A passkey sign-in with what <c>navigator.credentials.get()</c> answered; no second factor follows.</summary>
    [HttpPost("passkey/login")]
    [PasskeysEnabled]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    [ProducesProblem(StatusCodes.Status403Forbidden)] // email not confirmed
    [ProducesProblem(StatusCodes.Status423Locked)]
    public async Task<Results<Ok<SessionTokenResponse>, ProblemHttpResult>> PasskeyLogin(
        PasskeyLoginRequest request, [FromServices] PasskeyService passkeys, CancellationToken cancellationToken)
    {
        var outcome = await passkeys.SignInAsync(PasskeyJson.CredentialText(request.Credential), HttpContext.GetClientInfo(), cancellationToken);
        return SessionAnswer(outcome, "The passkey was not accepted, or the sign-in took too long. Try again.");
    }

    private Results<Ok<SessionTokenResponse>, ProblemHttpResult> SessionAnswer(SignInOutcome outcome, string failure)
    {
        switch (outcome)
        {
            case SignInOutcome.SignedIn signedIn:
                RefreshCookie.Append(Response, signedIn.Tokens.RefreshToken, signedIn.Tokens.RefreshTokenExpiresAt);
                return TypedResults.Ok(SessionTokenResponse.From(signedIn.Tokens));
            case SignInOutcome.LockedOut:
                return TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
                    detail: "This account is locked after too many failed sign-ins. Try again later.");
            case SignInOutcome.EmailNotConfirmed:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Email not confirmed",
                    detail: "Confirm your email address with the link we mailed you, then sign in. You can ask for a new link.",
                    extensions: new Dictionary<string, object?> { ["code"] = "email_not_confirmed" });
            default:
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", detail: failure);
        }
    }

    [HttpPost("refresh")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status401Unauthorized)]
    public async Task<Results<Ok<SessionTokenResponse>, ProblemHttpResult>> Refresh(CancellationToken cancellationToken)
    {
        if (!Request.IsAjax())
        {
            return MissingAjaxHeader();
        }

        var outcome = await tokens.RefreshAsync(RefreshCookie.Read(Request), HttpContext.GetClientInfo(), cancellationToken);
        if (outcome is RefreshOutcome.Success success)
        {
            RefreshCookie.Append(Response, success.Tokens.RefreshToken, success.Tokens.RefreshTokenExpiresAt);
            return TypedResults.Ok(SessionTokenResponse.From(success.Tokens));
        }

        RefreshCookie.Clear(Response);
        return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Session ended",
            detail: "The refresh token is missing, expired or revoked. Sign in again.");
    }

    [HttpPost("logout")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<NoContent, ProblemHttpResult>> Logout(CancellationToken cancellationToken)
    {
        if (!Request.IsAjax())
        {
            return MissingAjaxHeader();
        }

        await tokens.RevokeAsync(RefreshCookie.Read(Request), SessionRevocationReasons.Logout, cancellationToken);
        RefreshCookie.Clear(Response);
        return TypedResults.NoContent();
    }

    /// <summary>RFC 6749 token endpoint, form-urlencoded or JSON; each grant is an <see cref="ITokenGrant"/>.</summary>
    [HttpPost("token")]
    [OAuthFormBody(typeof(OAuthTokenForm))]
    [DisableFormValueModelBinding]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<Results<Ok<OAuthTokenResponse>, BadRequest<OAuthError>>> Token([FromServices] TokenGrants grants, CancellationToken cancellationToken)
    {
        var parameters = await OAuthParameters.ReadAsync(Request, cancellationToken);
        if (parameters.Error is { } error)
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest(error));
        }

        if (parameters.Get("grant_type") is not { } grantType)
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest("The grant_type parameter is required."));
        }

        return grants.Find(grantType) is { } grant
            ? await grant.HandleAsync(parameters, HttpContext.GetClientInfo(), cancellationToken)
            : TypedResults.BadRequest(OAuthError.UnsupportedGrantType($"Supported grant types: {grants.Supported}."));
    }

    /// <summary>RFC 7009 revocation of a refresh or an access token: 200 whatever the token, so it reveals nothing.</summary>
    [HttpPost("revoke")]
    [OAuthFormBody(typeof(OAuthRevokeForm))]
    [DisableFormValueModelBinding]
    public async Task<Results<Ok, BadRequest<OAuthError>>> Revoke(CancellationToken cancellationToken)
    {
        var parameters = await OAuthParameters.ReadAsync(Request, cancellationToken);
        if (parameters.Error is { } error)
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest(error));
        }

        var token = parameters.Get("token");
        if (string.IsNullOrEmpty(token))
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest("The token parameter is required."));
        }

        await tokens.RevokeAnyAsync(token, SessionRevocationReasons.TokenRevoked, cancellationToken);
        return TypedResults.Ok();
    }

    private static ProblemHttpResult MissingAjaxHeader() => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Header required",
        detail: "Send the header 'X-Requested-With: XMLHttpRequest' with this request.");
}
