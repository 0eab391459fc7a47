namespace JwtMvc.Web.ApiDocs;

/// <summary>
/// Describes an action that streams multipart/form-data itself (no model binding, so nothing tells the API explorer
/// there is a body): the OpenAPI document shows a form whose part <paramref name="fieldName"/> holds one or more files.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class FileUploadBodyAttribute(string fieldName) : Attribute
{
    public string FieldName { get; } = fieldName;
}
