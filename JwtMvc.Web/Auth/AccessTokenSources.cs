using Microsoft.Net.Http.Headers;

namespace JwtMvc.Web.Auth;

/// <summary>
/// Where an access token may come from: <c>Authorization: Bearer</c> (RFC 6750 §2.1), <c>x-access-token</c>,
/// and the form field or query parameter <c>access_token</c> only when configured (they leak into logs and history).
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

        if (options.AllowFormToken && request.HasFormContentType && HttpMethods.IsPost(request.Method))
        {
            var form = (await request.ReadFormAsync(request.HttpContext.RequestAborted))[AccessTokenParameter].ToString();
            if (form.Length > 0)
            {
                return form;
            }
        }

        return options.AllowQueryToken ? NullIfEmpty(request.Query[AccessTokenParameter].ToString()) : null;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
