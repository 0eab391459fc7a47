using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth;

/// <summary>The one definition of what makes an access token valid, shared by JwtBearer, tests and benchmarks.</summary>
public static class AccessTokenValidation
{
    private static readonly string[] EmbeddedKeyHeaders = ["jwk", "jku", "x5u", "x5c"];

    public static TokenValidationParameters CreateParameters(JwtOptions options, SigningKeys keys, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(clock);
        var parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [options.SigningAlgorithm],
            ValidTypes = [JwtOptions.AccessTokenType],
            ValidateIssuer = true,
            ValidIssuer = options.Issuer,
            ValidateAudience = true,
            ValidAudience = options.Audience,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(options.ClockSkewSeconds),
            LifetimeValidator = (notBefore, expires, token, parameters) =>
                ValidateLifetime(notBefore, expires, options.AccessTokenLifetime, parameters.ClockSkew, clock.GetUtcNow().UtcDateTime),
            TypeValidator = ValidateType,
            NameClaimType = AccessTokenClaims.Name,
            RoleClaimType = AccessTokenClaims.Role,
        };
        keys.ApplyTo(parameters);
        return parameters;
    }

    // Same rules and exceptions as the library's own validator, but on TimeProvider's clock; and no token
    // this server issues outlives the access-token lifetime, so a later 'exp' (a forged or leaked key's
    // token meant to last forever, or one past DateTime.MaxValue) is refused too.
    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TimeSpan lifetime, TimeSpan skew, DateTime now)
    {
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiration time ('exp').");
        }

        if (notBefore > expires)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's 'nbf' is after its 'exp'.") { NotBefore = notBefore, Expires = expires };
        }

        if (notBefore is { } nbf && nbf > now + skew)
        {
            throw new SecurityTokenNotYetValidException($"The token is not valid before {nbf:O}.") { NotBefore = nbf };
        }

        if (expires.Value < now - skew)
        {
            throw new SecurityTokenExpiredException($"The token expired at {expires.Value:O}.") { Expires = expires.Value };
        }

        if (expires.Value > now + lifetime + skew)
        {
            throw new SecurityTokenInvalidLifetimeException("The token's 'exp' is later than any token issued now could be.") { NotBefore = notBefore, Expires = expires };
        }

        return true;
    }

    // Explicit typing (RFC 9068), and no critical header extensions: none are understood here (RFC 7515 §4.1.11).
    // Nor keys that travel with the token (jwk, jku, x5u, x5c): only our own keys verify.
    private static string ValidateType(string? type, SecurityToken token, TokenValidationParameters parameters)
    {
        if (token is JsonWebToken jwt)
        {
            if (jwt.TryGetHeaderValue<object>("crit", out _))
            {
                throw new SecurityTokenInvalidTypeException("The token has a 'crit' header, which is not supported.") { InvalidType = type };
            }

            foreach (var header in EmbeddedKeyHeaders)
            {
                if (jwt.TryGetHeaderValue<object>(header, out _))
                {
                    throw new SecurityTokenInvalidTypeException($"The token has a '{header}' header; keys are never taken from the token.") { InvalidType = type };
                }
            }
        }

        if (!string.Equals(type, JwtOptions.AccessTokenType, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(type, "application/" + JwtOptions.AccessTokenType, StringComparison.OrdinalIgnoreCase))
        {
            throw new SecurityTokenInvalidTypeException("The token's 'typ' header must be 'at+jwt'.") { InvalidType = type };
        }

        return type!;
    }
}

/// <summary>Claim names in JwtMvc's access tokens (short JWT names; inbound mapping is off).</summary>
public static class AccessTokenClaims
{
    public const string Subject = "sub";
    public const string Name = "name";
    public const string Role = "role";
    public const string SessionId = "sid";
    public const string TokenId = "jti";
}
