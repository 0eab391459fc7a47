using JwtMvc.Core.Auth;
using JwtMvc.Core.Orders;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace JwtMvc.Web.Errors;

internal static class ProblemResults
{
    /// <summary>A 400 validation problem with Identity's failed rules listed under the field they concern.</summary>
    public static ValidationProblem ValidationProblem(IdentityOutcome outcome) =>
        TypedResults.ValidationProblem(outcome.Errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray(), StringComparer.Ordinal));

    /// <summary>A 400 validation problem with Identity's failed rules listed under the field they concern.</summary>
    public static ActionResult IdentityValidationProblem(this ControllerBase controller, IdentityOutcome outcome)
    {
        var modelState = new ModelStateDictionary();
        foreach (var error in outcome.Errors)
        {
            modelState.AddModelError(error.Field, error.Description);
        }

        return controller.ValidationProblem(modelState);
    }

    /// <summary>A 400 validation problem listing each broken rule under its field (<c>items[0].quantity</c>).</summary>
    public static ValidationProblem ValidationProblem(IEnumerable<FieldError> errors) =>
        TypedResults.ValidationProblem(errors
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal));
}
