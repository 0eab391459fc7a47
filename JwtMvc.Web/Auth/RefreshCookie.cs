namespace JwtMvc.Web.Auth;

/// <summary>The browser's refresh token: a cookie its scripts cannot read, sent only to /api/auth.</summary>
internal static class RefreshCookie
{
    public const string Name = "jwtmvc.refresh";
    public const string Path = "/api/auth";

    public static string? Read(HttpRequest request) => request.Cookies[Name];

    public static void Append(HttpResponse response, string refreshToken, DateTimeOffset expires) =>
        response.Cookies.Append(Name, refreshToken, Options(response.HttpContext.Request, expires));

    public static void Clear(HttpResponse response) =>
        response.Cookies.Delete(Name, Options(response.HttpContext.Request, expires: null));

    private static CookieOptions Options(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = Path,
        Expires = expires,
        IsEssential = true,
    };
}
