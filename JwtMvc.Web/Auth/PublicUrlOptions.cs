namespace JwtMvc.Web.Auth;

/// <summary>Where the app is reached from outside, the <c>App</c> section: the base of the URLs it publishes.</summary>
public sealed class PublicUrlOptions
{
    public const string Section = "App";

    /// <summary>E.g. <c>https://auth.example.com</c>. Unset: each request's own scheme, host and path base.</summary>
    public string? PublicBaseUrl { get; set; }

    public static bool IsValid(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment);
}
