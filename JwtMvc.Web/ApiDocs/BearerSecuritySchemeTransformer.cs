using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace JwtMvc.Web.ApiDocs;

/// <summary>Declares the JWT Bearer scheme the protected operations refer to.</summary>
internal sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "An access token from POST /api/auth/login or POST /api/auth/token.",
        };
        return Task.CompletedTask;
    }
}
