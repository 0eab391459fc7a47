using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Web.Auth;

/// <summary>
/// RFC 6750 §3 answers: a bare <c>Bearer</c> challenge when no token came, <c>error="invalid_token"</c> with a
/// fixed description when one came and failed; the body is problem details either way.
/// </summary>
internal static class BearerChallenge
{
    public static async Task WriteAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var failure = context.AuthenticateFailure;
        var detail = failure is null ? "An access token is required: send it as 'Authorization: Bearer <token>'." : Describe(failure);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{detail}\"";

        var problems = context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context.HttpContext,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = detail },
        });
    }

    // Fixed texts: nothing from the token is echoed back, and none contains a quote.
    private static string Describe(Exception failure) => failure switch
    {
        SessionRevokedException revoked => revoked.Message,
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiration time.",
        SecurityTokenInvalidLifetimeException => "The token's lifetime is invalid.",
        SecurityTokenInvalidAudienceException => "The token's audience is invalid.",
        SecurityTokenInvalidIssuerException => "The token's issuer is invalid.",
        SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
        SecurityTokenInvalidTypeException => "The token's type or header is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is invalid.",
        SecurityTokenMalformedException => "The token is malformed.",
        _ => "The token is invalid.",
    };
}

/// <summary>The token is well signed, but the session it belongs to has ended.</summary>
internal sealed class SessionRevokedException(string message) : SecurityTokenValidationException(message);
