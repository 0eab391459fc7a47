namespace JwtMvc.Web.ApiDocs;

/// <summary>
/// Describes an action that reads its OAuth parameters itself (RFC 6749 and 7009 endpoints take a form,
/// or the same names as a JSON object): the OpenAPI document shows <paramref name="parameters"/> as the
/// request body in both media types.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class OAuthFormBodyAttribute(Type parameters) : Attribute
{
    public Type Parameters { get; } = parameters;
}
