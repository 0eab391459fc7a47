using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.ApiDocs;

/// <summary>
/// An error an action answers itself, as RFC 7807 problem details: the attribute form of minimal APIs'
/// <c>ProducesProblem</c>. What operations share without declaring it (401, 403, 404, 413, 429, the validation 400)
/// is added by <see cref="ProblemAnswersTransformer"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = true)]
internal sealed class ProducesProblemAttribute(int statusCode)
    : ProducesResponseTypeAttribute(typeof(ProblemDetails), statusCode, ProblemJson)
{
    public const string ProblemJson = "application/problem+json";
}
