using JwtMvc.Core.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>
/// One OAuth grant of the token endpoint (RFC 6749 §4). The endpoint reads the parameters, picks the grant by
/// <c>grant_type</c> and returns what the grant answers; a new grant is one more class and one more line in
/// <see cref="TokenGrants"/>.
/// </summary>
public interface ITokenGrant
{
    Task<Results<Ok<OAuthTokenResponse>, BadRequest<OAuthError>>> HandleAsync(OAuthParameters parameters, ClientInfo client, CancellationToken cancellationToken);
}

/// <summary>
/// The grants the token endpoint knows, by <c>grant_type</c>. Each is a keyed service, so a request builds only the
/// grant it asks for (a refresh does not build the password sign-in and Identity's user manager under it).
/// </summary>
public sealed class TokenGrants(IServiceProvider services)
{
    private static readonly (string GrantType, Type Implementation)[] Grants =
    [
        ("password", typeof(PasswordGrant)),
        ("refresh_token", typeof(RefreshTokenGrant)),
        (MfaOtpGrant.Type, typeof(MfaOtpGrant)),
    ];

    public string Supported => string.Join(", ", Grants.Select(g => g.GrantType));

    public ITokenGrant? Find(string grantType) => services.GetKeyedService<ITokenGrant>(grantType);

    internal static IServiceCollection AddTokenGrants(IServiceCollection services)
    {
        foreach (var (grantType, implementation) in Grants)
        {
            services.AddKeyedScoped(typeof(ITokenGrant), grantType, implementation);
        }

        services.AddScoped<TokenGrants>();
        return services;
    }
}

/// <summary>RFC 6749 §4.3: <c>username</c> and <c>password</c>.</summary>
internal sealed class PasswordGrant(SignInService signIn) : ITokenGrant
{
    public async Task<Results<Ok<OAuthTokenResponse>, BadRequest<OAuthError>>> HandleAsync(OAuthParameters parameters, ClientInfo client, CancellationToken cancellationToken)
    {
        var userName = parameters.Get("username");
        var password = parameters.Get("password");
        if (string.IsNullOrEmpty(userName) || string.IsNullOrEmpty(password))
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest("The username and password parameters are required."));
        }

        if (Passwords.IsTooLong(password))
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest($"The password is longer than {Passwords.MaxLength} characters."));
        }

        return await signIn.PasswordSignInAsync(userName, password, client, cancellationToken) switch
        {
            SignInOutcome.SignedIn signedIn => TypedResults.Ok(OAuthTokenResponse.From(signedIn.Tokens)),
            SignInOutcome.TwoFactorRequired required => TypedResults.BadRequest(OAuthError.MfaRequired(required.MfaToken)),
            SignInOutcome.LockedOut => TypedResults.BadRequest(OAuthError.InvalidGrant("The account is locked after too many failed sign-ins.")),
            SignInOutcome.EmailNotConfirmed => TypedResults.BadRequest(OAuthError.InvalidGrant("Confirm your email address first.")),
            _ => TypedResults.BadRequest(OAuthError.InvalidGrant("The user name or password is incorrect.")),
        };
    }
}

/// <summary>RFC 6749 §6: a refresh token, rotated on every use.</summary>
internal sealed class RefreshTokenGrant(TokenService tokens) : ITokenGrant
{
    public async Task<Results<Ok<OAuthTokenResponse>, BadRequest<OAuthError>>> HandleAsync(OAuthParameters parameters, ClientInfo client, CancellationToken cancellationToken)
    {
        var refreshToken = parameters.Get("refresh_token");
        if (string.IsNullOrEmpty(refreshToken))
        {
            return TypedResults.BadRequest(OAuthError.InvalidRequest("The refresh_token parameter is required."));
        }

        return await tokens.RefreshAsync(refreshToken, client, cancellationToken) is RefreshOutcome.Success success
            ? TypedResults.Ok(OAuthTokenResponse.From(success.Tokens))
            : TypedResults.BadRequest(OAuthError.InvalidGrant("The refresh token is invalid, expired or revoked."));
    }
}
