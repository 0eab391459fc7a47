using JwtMvc.Core.Validation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace JwtMvc.Web.Errors;

internal static class ProblemResults
{
    /// <summary>
    /// The 400 validation problem for rules a service found broken: each message under the field it concerns
    /// (<c>email</c>, <c>items[0].quantity</c>), in the same shape as [ApiController]'s own model validation.
    /// </summary>
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
