using System.Text.Json.Nodes;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Web.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>
/// What another service needs to verify JwtMvc's tokens on its own: the public keys (JWKS, RFC 7517) and the
/// RFC 8414 metadata that points to them, also served at the OpenID discovery path that JwtBearer's
/// <c>Authority</c> reads.
/// </summary>
[ApiController]
[AllowAnonymous]
[Route(".well-known")]
public sealed class WellKnownController(SigningKeys keys, IOptions<JwtOptions> jwt, IOptions<PublicUrlOptions> urls) : ControllerBase
{
    // Verifiers may cache for 5 minutes: a new key is announced a day ahead, and a revoked one should go soon.
    private const string CacheControl = "public, max-age=300";

    [HttpGet("jwks.json")]
    public async Task<ContentResult> Jwks(CancellationToken cancellationToken)
    {
        await keys.EnsureFreshAsync(cancellationToken);
        var published = keys is KeyRing ring ? ring.PublishedKeys : [];
        var set = new JsonObject { ["keys"] = new JsonArray([.. published.Select(k => JsonNode.Parse(k.PublicJwk))]) };
        return Cacheable(set);
    }

    [HttpGet("oauth-authorization-server")]
    [HttpGet("openid-configuration")]
    public ContentResult Metadata()
    {
        var baseUrl = urls.Value.PublicBaseUrl?.TrimEnd('/') ?? $"{Request.Scheme}://{Request.Host}{Request.PathBase}";
        var metadata = new JsonObject
        {
            ["issuer"] = jwt.Value.Issuer, // equal to the tokens' iss, which JwtBearer's Authority checks
            ["jwks_uri"] = baseUrl + "/.well-known/jwks.json",
            ["token_endpoint"] = baseUrl + "/api/auth/token",
            ["revocation_endpoint"] = baseUrl + "/api/auth/revoke",
            ["grant_types_supported"] = new JsonArray("password", "refresh_token"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("none"),
        };
        return Cacheable(metadata);
    }

    private ContentResult Cacheable(JsonObject body)
    {
        Response.Headers.CacheControl = CacheControl;
        return Content(body.ToJsonString(), "application/json");
    }
}
