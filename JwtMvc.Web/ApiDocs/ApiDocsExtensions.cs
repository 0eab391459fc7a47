using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Scalar.AspNetCore;

namespace JwtMvc.Web.ApiDocs;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the Scalar reference at <c>/docs</c>.</summary>
internal static class ApiDocsExtensions
{
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string ReferencePath = "/docs";

    public static IServiceCollection AddApiDocs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiDocsOptions>().Bind(configuration.GetSection(ApiDocsOptions.Section)).ValidateOnStart();
        services.AddOpenApi(options =>
        {
            options.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            options.AddOperationTransformer<ProblemAnswersTransformer>();
        });
        return services;
    }

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        var enabled = app.Configuration.GetSection(ApiDocsOptions.Section).Get<ApiDocsOptions>()?.Docs
            ?? app.Environment.IsDevelopment();
        if (!enabled)
        {
            return app;
        }

        app.MapOpenApi(DocumentPath).AllowAnonymous();
        app.MapScalarApiReference(ReferencePath, options =>
        {
            options.WithTitle("JwtMvc API")
                .WithOpenApiRoutePattern(DocumentPath);
            // Offline: the bundle is served from the package, no fonts from a CDN, nothing sent to Scalar.
            options.DefaultFonts = false;
            options.Telemetry = false;
            options.DynamicNonce = true;
            options.AddPreferredSecuritySchemes(BearerSecuritySchemeTransformer.SchemeName);
        })
        .AllowAnonymous()
        .WithMetadata(new RelaxedContentSecurityPolicy(DocsPolicy));
        return app;
    }

    // Scalar's page starts with a small inline module (allowed by its per-request nonce) and injects its own
    // styles at run time; it needs neither eval nor any other origin.
    private static string DocsPolicy(HttpContext context)
    {
        var nonce = context.Items[ScalarOptions.NonceHttpContextItemKey] as string;
        return string.Join("; ",
            "default-src 'self'",
            nonce is null ? "script-src 'self'" : $"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'");
    }
}
