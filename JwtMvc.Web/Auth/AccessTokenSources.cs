using JwtMvc.Web.Security;
using Microsoft.Net.Http.Headers;

namespace JwtMvc.Web.Auth;

/// <summary>
/// Where an access token may come from: <c>Authorization: Bearer</c> (RFC 6750 §2.1), <c>x-access-token</c>,
/// and the form field (of a url-encoded form of at most 16 KiB only) or query parameter <c>access_token</c> only when
/// configured (they leak into logs and history).
/// </summary>
internal static class AccessTokenSources
{
    public const string AccessTokenHeader = "x-access-token";
    public const string AccessTokenParameter = "access_token";
    private const string BearerPrefix = "Bearer ";

    public static async ValueTask<string?> FindAsync(HttpRequest request, AccessTokenSourceOptions options)
    {
        var authorization = request.Headers[HeaderNames.Authorization].ToString();
        if (authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return NullIfEmpty(authorization[BearerPrefix.Length..].Trim());
        }

        var header = request.Headers[AccessTokenHeader].ToString();
        if (header.Length > 0)
        {
            return NullIfEmpty(header.Trim());
        }

        // Authentication runs before any endpoint's body limit, so only a form of a declared length within the small-body
        // limit is read here; a longer or chunked one, or one the form reader refuses, carries no token.
        if (options.AllowFormToken && HttpMethods.IsPost(request.Method) && IsUrlEncodedForm(request)
            && request.ContentLength <= RequestBodyLimitAttribute.SmallBodyBytes)
        {
            try
            {
                var form = (await request.ReadFormAsync(request.HttpContext.RequestAborted))[AccessTokenParameter].ToString();
                if (form.Length > 0)
                {
                    return form;
                }
            }
            catch (InvalidDataException)
            {
                // Too many fields or too long a name: the endpoint, if it reads the form, answers it (400).
            }
        }

        return options.AllowQueryToken ? NullIfEmpty(request.Query[AccessTokenParameter].ToString()) : null;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // RFC 6750 §2.2: a single-part application/x-www-form-urlencoded body. A multipart body is never read here: it
    // belongs to the endpoint (an upload streams it), and reading it would consume it before the endpoint runs.
    private static bool IsUrlEncodedForm(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
        && mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
