using JwtMvc.Core.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace JwtMvc.Web.Errors;

/// <summary>
/// The one way rules a service found broken become a 400 validation problem: each message under the field it
/// concerns (<c>email</c>, <c>items[0].quantity</c>), in the same shape as [ApiController]'s own model validation.
/// </summary>
internal static class ProblemResults
{
    /// <summary>For actions with typed results.</summary>
    public static ValidationProblem ValidationProblem(IEnumerable<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return TypedResults.ValidationProblem(errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal));
    }

    /// <summary>For actions that still return <see cref="IActionResult"/>.</summary>
    public static ActionResult ValidationProblem(this ControllerBase controller, IEnumerable<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(errors);
        var modelState = new ModelStateDictionary();
        foreach (var error in errors)
        {
            modelState.AddModelError(error.Field, error.Message);
        }

        return controller.ValidationProblem(modelState);
    }
}
