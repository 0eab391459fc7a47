using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Security;

/// <summary>
/// Adds the Content-Security-Policy, <c>X-Content-Type-Options</c> and <c>Referrer-Policy</c> headers to
/// every response, and <c>Cache-Control: no-store</c> to every <c>/api</c> response that sets no policy itself. They are set when the response starts, so an error page written by the exception
/// handler (which clears the headers) still carries them; a header an endpoint set itself is kept.
/// </summary>
internal sealed class SecurityHeadersMiddleware
{
    private readonly RequestDelegate next;
    private readonly string contentSecurityPolicy;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.next = next;
        contentSecurityPolicy = BuildContentSecurityPolicy(options.Value);
    }

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var (context, policy) = ((HttpContext, string))state;
            var headers = context.Response.Headers;

            // Every API answer is someone's data or credentials (or an error about them): no cache keeps it,
            // unless the endpoint chose its own policy.
            if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                && !headers.ContainsKey("Cache-Control"))
            {
                headers.CacheControl = "no-store";
            }

            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = context.GetEndpoint()?.Metadata.GetMetadata<RelaxedContentSecurityPolicy>()?.Build(context)
                    ?? policy;
            }

            headers.XContentTypeOptions = "nosniff";
            if (!headers.ContainsKey("Referrer-Policy"))
            {
                headers["Referrer-Policy"] = "no-referrer";
            }

            return Task.CompletedTask;
        }, (context, contentSecurityPolicy));

        return next(context);
    }

    internal static string BuildContentSecurityPolicy(SecurityHeadersOptions options)
    {
        var connect = string.Join(' ', ["'self'", .. options.ConnectSources.Where(s => !string.IsNullOrWhiteSpace(s))]);

        // script-src 'self' forbids inline scripts and inline event handlers: every script is a file
        // under wwwroot. Bootstrap draws some icons with data: SVG images in its CSS.
        return string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            $"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'");
    }
}
