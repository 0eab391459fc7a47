using System.Globalization;
using System.Security.Claims;
using JwtMvc.Core.Auth;

namespace JwtMvc.Web.Auth;

internal static class HttpContextExtensions
{
    private const int MaxUserAgentLength = 512;

    public static ClientInfo GetClientInfo(this HttpContext context)
    {
        var userAgent = context.Request.Headers.UserAgent.ToString();
        return new ClientInfo(
            context.Connection.RemoteIpAddress?.ToString(),
            userAgent.Length > MaxUserAgentLength ? userAgent[..MaxUserAgentLength] : userAgent);
    }

    /// <summary>The <c>sub</c> claim. Only called behind [Authorize], where JwtBearer has required it.</summary>
    public static string GetUserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(AccessTokenClaims.Subject) ?? throw new InvalidOperationException("The principal has no 'sub' claim.");

    public static Guid GetSessionId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(AccessTokenClaims.SessionId)!, CultureInfo.InvariantCulture);

    public static bool IsAjax(this HttpRequest request) =>
        string.Equals(request.Headers.XRequestedWith, "XMLHttpRequest", StringComparison.Ordinal);
}
