using JwtMvc.Core.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.Options;

namespace JwtMvc.Web.Uploads;

/// <summary>
/// Keeps MVC from reading the request body as a form, for an action that reads it itself: an upload streams it with a
/// <c>MultipartReader</c> (MVC would buffer every file, IFormFile-style), and the OAuth endpoints answer a form they
/// cannot read with their own error (MVC would answer a problem details 400 before the action runs).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class DisableFormValueModelBindingAttribute : Attribute, IResourceFilter
{
    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        context.ValueProviderFactories.RemoveType<FormValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<FormFileValueProviderFactory>();
        context.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}

/// <summary>
/// Sets this request's body limit from <see cref="UploadOptions"/> (<see cref="UploadOptions.MaxRequestBodyBytes"/>),
/// as [RequestSizeLimit] would with a constant: Kestrel refuses a longer body with 413.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class UploadRequestSizeLimitAttribute : Attribute, IResourceFilter, IOrderedFilter
{
    // Before model binding and anything else that could start reading the body.
    public int Order => int.MinValue;

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var feature = context.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<UploadOptions>>().Value;
            feature.MaxRequestBodySize = options.MaxRequestBodyBytes;
        }
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }
}
