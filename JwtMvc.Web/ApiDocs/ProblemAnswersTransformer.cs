using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace JwtMvc.Web.ApiDocs;

/// <summary>
/// What every operation shares but does not declare: the Bearer requirement on the protected ones (the
/// fallback policy makes every endpoint without <see cref="IAllowAnonymous"/> protected), their 401 and
/// 403 answers, 400 validation problems where there is input to validate, 404 where the path names a
/// resource, and the form bodies of the OAuth endpoints.
/// </summary>
internal sealed class ProblemAnswersTransformer : IOpenApiOperationTransformer
{
    private const string ProblemJson = "application/problem+json";

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        operation.Responses ??= [];

        if (metadata.OfType<OAuthFormBodyAttribute>().LastOrDefault() is { } form)
        {
            var schema = await context.GetOrCreateSchemaAsync(form.Parameters, null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/x-www-form-urlencoded"] = new() { Schema = schema },
                    ["application/json"] = new() { Schema = schema },
                },
            };
        }

        if (HasInput(description))
        {
            await AddProblemAsync(operation, context, StatusCodes.Status400BadRequest, typeof(HttpValidationProblemDetails),
                "The input is invalid: validation problems per field.", cancellationToken);
        }

        if (!metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security =
            [
                new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(BearerSecuritySchemeTransformer.SchemeName, context.Document)] = [],
                },
            ];
            await AddProblemAsync(operation, context, StatusCodes.Status401Unauthorized, typeof(ProblemDetails),
                "No access token, or a bad, expired or revoked one (see WWW-Authenticate).", cancellationToken);
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            {
                await AddProblemAsync(operation, context, StatusCodes.Status403Forbidden, typeof(ProblemDetails),
                    "Signed in without the role this operation needs (or, with Authorization:AdminRequiresMfa, an admin without a second factor: code mfa_required).", cancellationToken);
            }
        }

        if (description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path))
        {
            await AddProblemAsync(operation, context, StatusCodes.Status404NotFound, typeof(ProblemDetails),
                "No such resource, or not yours.", cancellationToken);
        }
    }

    private static bool HasInput(ApiDescription description) =>
        description.ActionDescriptor.EndpointMetadata.OfType<OAuthFormBodyAttribute>().Any()
        || description.ParameterDescriptions.Any(p =>
            p.Source == BindingSource.Body || p.Source == BindingSource.Form || p.Source == BindingSource.FormFile
            || p.Source == BindingSource.Query || p.Source == BindingSource.Path);

    private static async Task AddProblemAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context,
        int status, Type problemType, string description, CancellationToken cancellationToken)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(problemType, null, cancellationToken);
        operation.Responses[key] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = schema } },
        };
    }
}
