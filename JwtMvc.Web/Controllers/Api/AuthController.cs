using JwtMvc.Core.Auth;
using JwtMvc.Web.ApiDocs;
using JwtMvc.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>The browser session (refresh token in an HttpOnly cookie) and the OAuth-shaped endpoints for API clients.</summary>
[ApiController]
[Route("api/auth")]
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class AuthController(SignInService signIn, TokenService tokens) : ControllerBase
{
    [HttpPost("login")]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<IActionResult> Login(LoginRequest request, CancellationToken cancellationToken)
    {
        var outcome = await signIn.PasswordSignInAsync(request.UserName, request.Password, HttpContext.GetClientInfo(), cancellationToken);
        switch (outcome)
        {
            case SignInOutcome.SignedIn signedIn:
                RefreshCookie.Append(Response, signedIn.Tokens.RefreshToken, signedIn.Tokens.RefreshTokenExpiresAt);
                return Ok(SessionTokenResponse.From(signedIn.Tokens));
            case SignInOutcome.LockedOut:
                return Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
                    detail: "This account is locked after too many failed sign-ins. Try again later.");
            default:
                return Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                    detail: "The user name or password is incorrect.");
        }
    }

    [HttpPost("refresh")]
    public async Task<IActionResult> Refresh(CancellationToken cancellationToken)
    {
        if (!Request.IsAjax())
        {
            return MissingAjaxHeader();
        }

        var outcome = await tokens.RefreshAsync(RefreshCookie.Read(Request), HttpContext.GetClientInfo(), cancellationToken);
        if (outcome is RefreshOutcome.Success success)
        {
            RefreshCookie.Append(Response, success.Tokens.RefreshToken, success.Tokens.RefreshTokenExpiresAt);
            return Ok(SessionTokenResponse.From(success.Tokens));
        }

        RefreshCookie.Clear(Response);
        return Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Session ended",
            detail: "The refresh token is missing, expired or revoked. Sign in again.");
    }

    [HttpPost("logout")]
    public async Task<IActionResult> Logout(CancellationToken cancellationToken)
    {
        if (!Request.IsAjax())
        {
            return MissingAjaxHeader();
        }

        await tokens.RevokeAsync(RefreshCookie.Read(Request), SessionRevocationReasons.Logout, cancellationToken);
        RefreshCookie.Clear(Response);
        return NoContent();
    }

    /// <summary>RFC 6749 token endpoint: the password and refresh_token grants, form-urlencoded or JSON.</summary>
    [HttpPost("token")]
    [OAuthFormBody(typeof(OAuthTokenForm))]
    [ProducesResponseType<OAuthTokenResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<OAuthError>(StatusCodes.Status400BadRequest, "application/json")]
    [EnableRateLimiting(AuthRateLimiting.Policy)]
    public async Task<IActionResult> Token(CancellationToken cancellationToken)
    {
        var parameters = await OAuthParameters.ReadAsync(Request, cancellationToken);
        if (parameters is null)
        {
            return OAuthBadRequest(OAuthError.InvalidRequest("Send the parameters as application/x-www-form-urlencoded or a JSON object."));
        }

        var client = HttpContext.GetClientInfo();
        switch (parameters.Get("grant_type"))
        {
            case null:
                return OAuthBadRequest(OAuthError.InvalidRequest("The grant_type parameter is required."));
            case "password":
                var userName = parameters.Get("username");
                var password = parameters.Get("password");
                if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
                {
                    return OAuthBadRequest(OAuthError.InvalidRequest("The username and password parameters are required."));
                }

                return await signIn.PasswordSignInAsync(userName, password, client, cancellationToken) switch
                {
                    SignInOutcome.SignedIn signedIn => Ok(OAuthTokenResponse.From(signedIn.Tokens)),
                    SignInOutcome.LockedOut => OAuthBadRequest(OAuthError.InvalidGrant("The account is locked after too many failed sign-ins.")),
                    _ => OAuthBadRequest(OAuthError.InvalidGrant("The user name or password is incorrect.")),
                };
            case "refresh_token":
                var refreshToken = parameters.Get("refresh_token");
                if (string.IsNullOrEmpty(refreshToken))
                {
                    return OAuthBadRequest(OAuthError.InvalidRequest("The refresh_token parameter is required."));
                }

                return await tokens.RefreshAsync(refreshToken, client, cancellationToken) is RefreshOutcome.Success success
                    ? Ok(OAuthTokenResponse.From(success.Tokens))
                    : OAuthBadRequest(OAuthError.InvalidGrant("The refresh token is invalid, expired or revoked."));
            default:
                return OAuthBadRequest(OAuthError.UnsupportedGrantType("Supported grant types: password, refresh_token."));
        }
    }

    /// <summary>RFC 7009 revocation: 200 whatever the token, so it reveals nothing.</summary>
    [HttpPost("revoke")]
    [OAuthFormBody(typeof(OAuthRevokeForm))]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<OAuthError>(StatusCodes.Status400BadRequest, "application/json")]
    public async Task<IActionResult> Revoke(CancellationToken cancellationToken)
    {
        var token = (await OAuthParameters.ReadAsync(Request, cancellationToken))?.Get("token");
        if (string.IsNullOrEmpty(token))
        {
            return OAuthBadRequest(OAuthError.InvalidRequest("The token parameter is required."));
        }

        await tokens.RevokeAsync(token, SessionRevocationReasons.TokenRevoked, cancellationToken);
        return Ok();
    }

    private ObjectResult MissingAjaxHeader() => Problem(statusCode: StatusCodes.Status400BadRequest, title: "Header required",
        detail: "Send the header 'X-Requested-With: XMLHttpRequest' with this request.");

    private BadRequestObjectResult OAuthBadRequest(OAuthError error) => new(error) { ContentTypes = { "application/json" } };
}
