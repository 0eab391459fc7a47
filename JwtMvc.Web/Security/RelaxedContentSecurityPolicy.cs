namespace JwtMvc.Web.Security;

/// <summary>
/// Endpoint metadata: this endpoint's page needs another Content-Security-Policy than the app's (built per
/// response, e.g. around a nonce). Only the endpoints that carry it get it.
/// </summary>
internal sealed class RelaxedContentSecurityPolicy(Func<HttpContext, string> build)
{
    public string Build(HttpContext context) => build(context);
}
