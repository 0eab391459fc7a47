using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>
/// The second step for API clients of users with two-factor sign-in on: the <c>mfa_token</c> of the
/// <c>mfa_required</c> answer plus <c>otp</c> (an authenticator code) or <c>recovery_code</c>.
/// </summary>
internal sealed class MfaOtpGrant(SecondFactorSignIn secondFactor) : ITokenGrant
{
    public const string Type = "urn:jwtmvc:params:oauth:grant-type:mfa-otp";

    public async Task<Results<Ok<OAuthTokenResponse>, BadRequest<OAuthError>>> HandleAsync(OAuthParameters parameters, ClientInfo client, CancellationToken cancellationToken)
    {
        var mfaToken = parameters.Get("mfa_token");
        var otp = parameters.Get("otp");
        var recoveryCode = parameters.Get("recovery_code");
        if (string.IsNullOrEmpty(mfaToken) || string.IsNullOrEmpty(otp) == string.IsNullOrEmpty(recoveryCode))
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest("The mfa_token parameter and one of otp or recovery_code are required."));
        }

        if (!string.IsNullOrEmpty(otp) && !Totp.IsWellFormed(otp))
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest("The otp parameter is the six digits the authenticator app shows."));
        }

        return await secondFactor.CompleteAsync(mfaToken, otp, recoveryCode, client, cancellationToken) switch
        {
            SignInOutcome.SignedIn signedIn => TypedResults.Ok(OAuthTokenResponse.From(signedIn.Tokens)),
            SignInOutcome.LockedOut => TypedResults.BadRequest(OAuthError.InvalidGrant("The account is locked after too many failed sign-ins.")),
            _ => TypedResults.BadRequest(OAuthError.InvalidGrant("The code is wrong, or the mfa_token is invalid, used or expired.")),
        };
    }
}
