using System.Globalization;
using JwtMvc.Web.Auth;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace JwtMvc.Web.ApiDocs;

/// <summary>
/// What every operation shares but does not declare: the Bearer requirement on the protected ones (the
/// fallback policy makes every endpoint without <see cref="IAllowAnonymous"/> protected), their 401 and
/// 403 answers, 400 validation problems where there is input to validate, 404 where the path names a
/// resource, 413 where <see cref="RequestBodyLimitAttribute"/> caps a body the operation takes, 429 where a rate limit applies,
/// the bodies of the actions that read their own (<see cref="OAuthFormBodyAttribute"/>,
/// <see cref="FileUploadBodyAttribute"/>), one schema per answer where a status has several (<c>oneOf</c>),
/// and problem details as the body of every error declared without one (UseStatusCodePages writes them).
/// </summary>
internal sealed class ProblemAnswersTransformer : IOpenApiOperationTransformer
{
    private const string ProblemJson = ProducesProblemAttribute.ProblemJson;

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

        if (metadata.OfType<FileUploadBodyAttribute>().LastOrDefault() is { } upload)
        {
            operation.RequestBody = FilesForm(upload.FieldName);
        }

        await DescribeSeveralAnswersAsync(operation, context, cancellationToken);

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

        if (operation.RequestBody is not null && metadata.OfType<RequestBodyLimitAttribute>().LastOrDefault() is { } limit)
        {
            await AddProblemAsync(operation, context, StatusCodes.Status413PayloadTooLarge, typeof(ProblemDetails),
                $"The request body is longer than the {limit.MaxBytes.ToString(CultureInfo.InvariantCulture)} bytes this endpoint reads.", cancellationToken);
        }

        if (metadata.OfType<EnableRateLimitingAttribute>().LastOrDefault() is { } rateLimit)
        {
            await AddProblemAsync(operation, context, StatusCodes.Status429TooManyRequests, typeof(ProblemDetails),
                rateLimit.PolicyName == WriteRateLimiting.Policy
                    ? "Too many changes from this account; Retry-After says when to try again."
                    : "Too many attempts from this address; Retry-After says when to try again.",
                cancellationToken);
        }

        await DescribeEmptyErrorsAsync(operation, context, cancellationToken);
    }

    private static OpenApiRequestBody FilesForm(string fieldName) => new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string>(StringComparer.Ordinal) { fieldName },
                    Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                    {
                        [fieldName] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Array,
                            MinItems = 1,
                            Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
                        },
                    },
                },
            },
        },
    };

    // The API explorer keeps one type per status, the last; an action that answers one status with several shapes (a
    // sign-in: the tokens, or the second factor it needs) gets them all, as oneOf, from its typed results' metadata.
    private static async Task DescribeSeveralAnswersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var several = context.Description.ActionDescriptor.EndpointMetadata.OfType<IProducesResponseTypeMetadata>()
            .Where(response => response.Type is not null && response.Type != typeof(void))
            .GroupBy(response => response.StatusCode)
            .Where(group => group.Select(response => response.Type).Distinct().Count() > 1);
        foreach (var group in several)
        {
            var key = group.Key.ToString(CultureInfo.InvariantCulture);
            if (operation.Responses!.TryGetValue(key, out var response) && response.Content is { Count: > 0 } content)
            {
                var schemas = new List<IOpenApiSchema>();
                foreach (var type in group.Select(response => response.Type!).Distinct())
                {
                    schemas.Add(await context.GetOrCreateSchemaAsync(type, null, cancellationToken));
                }

                foreach (var media in content.Values)
                {
                    media.Schema = new OpenApiSchema { OneOf = schemas };
                }
            }
        }
    }

    private static async Task DescribeEmptyErrorsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (key, response) in operation.Responses!)
        {
            if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status >= StatusCodes.Status400BadRequest
                && response is OpenApiResponse { Content: null or { Count: 0 } } empty)
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
                empty.Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = schema } };
            }
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
        var key = status.ToString(CultureInfo.InvariantCulture);
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
