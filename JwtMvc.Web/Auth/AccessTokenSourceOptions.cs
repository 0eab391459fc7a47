namespace JwtMvc.Web.Auth;

/// <summary>
/// Where, besides the headers, an access token may come from: HTTP transport, so it lives here and not in Core's
/// token settings. Bound from the same <c>Jwt</c> section (<c>Jwt:AllowFormToken</c>, <c>Jwt:AllowQueryToken</c>).
/// Both off by default: form fields and query strings leak into logs and browser history.
/// </summary>
internal sealed class AccessTokenSourceOptions
{
    public const string Section = "Jwt";

    /// <summary>Accept an <c>access_token</c> form field on POST (RFC 6750 §2.2).</summary>
    public bool AllowFormToken { get; set; }

    /// <summary>Accept an <c>access_token</c> query parameter (RFC 6750 §2.3).</summary>
    public bool AllowQueryToken { get; set; }
}
