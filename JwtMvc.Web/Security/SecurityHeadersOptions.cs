namespace JwtMvc.Web.Security;

/// <summary>Settings of the security headers, bound from the <c>SecurityHeaders</c> section.</summary>
public sealed class SecurityHeadersOptions
{
    public const string Section = "SecurityHeaders";

    /// <summary>
    /// Origins besides the app's own that page scripts may call (CSP <c>connect-src</c>), e.g. an API on
    /// another host. Empty by default: pages talk to their own origin only.
    /// </summary>
    public List<string> ConnectSources { get; set; } = [];
}
