using System.Globalization;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Auth;

/// <summary>
/// Strict JwtBearer validation from <see cref="JwtOptions"/>, where the token may come from
/// (<see cref="AccessTokenSourceOptions"/>), and the session check.
/// </summary>
internal sealed class JwtBearerSetup(IOptions<JwtOptions> jwtOptions, IOptions<AccessTokenSourceOptions> sourceOptions, SigningKeys keys, TimeProvider clock, SessionCheck sessionCheck)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(JwtBearerOptions options) => Configure(JwtBearerDefaults.AuthenticationScheme, options);

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var settings = jwtOptions.Value;
        var sources = sourceOptions.Value;
        options.MapInboundClaims = false;
        options.RequireHttpsMetadata = false; // no metadata is fetched: keys are local (the key ring or the shared secret)
        options.TokenValidationParameters = AccessTokenValidation.CreateParameters(settings, keys, clock);
        if (keys is KeyRing ring)
        {
            // ECDSA and RSA verification cost far more than one HMAC: a token seen before is looked up instead.
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new CachingTokenHandler(ring, clock));
        }

        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = async context =>
            {
                context.Token = await AccessTokenSources.FindAsync(context.Request, sources);
                if (context.Token is not null)
                {
                    await keys.EnsureFreshAsync(context.HttpContext.RequestAborted); // a revocation elsewhere is seen within Jwt:SessionCheckSeconds
                }
            },
            OnTokenValidated = ValidateSessionAsync,
            OnChallenge = BearerChallenge.WriteAsync,
        };
    }

    // An access token is only as good as its session: logout, reuse detection and admin actions revoke it,
    // and the session must be its subject's own.
    private async Task ValidateSessionAsync(TokenValidatedContext context)
    {
        var subject = context.Principal?.FindFirst(AccessTokenClaims.Subject)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            context.Fail(new SessionRevokedException("The token has no subject ('sub')."));
            return;
        }

        var sessionClaim = context.Principal?.FindFirst(AccessTokenClaims.SessionId)?.Value;
        if (!Guid.TryParse(sessionClaim, CultureInfo.InvariantCulture, out var sessionId))
        {
            context.Fail(new SessionRevokedException("The token has no session ('sid')."));
            return;
        }

        if (!await sessionCheck.IsActiveAsync(sessionId, subject, context.HttpContext.RequestServices, context.HttpContext.RequestAborted))
        {
            context.Fail(new SessionRevokedException("The session has ended (signed out or revoked) or is not the subject's."));
        }
    }
}
