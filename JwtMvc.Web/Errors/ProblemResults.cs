using JwtMvc.Core.Auth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace JwtMvc.Web.Errors;

internal static class ProblemResults
{
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
}
