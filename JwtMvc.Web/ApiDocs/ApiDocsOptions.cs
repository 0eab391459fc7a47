namespace JwtMvc.Web.ApiDocs;

/// <summary>Settings of the API description, bound from the <c>Api</c> section.</summary>
public sealed class ApiDocsOptions
{
    public const string Section = "Api";

    /// <summary>
    /// Serves <c>/openapi/v1.json</c> and the Scalar reference at <c>/docs</c>. Null (unset) means on in
    /// Development only.
    /// </summary>
    public bool? Docs { get; set; }
}
