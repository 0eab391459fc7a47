using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace JwtMvc.Web.Errors;

/// <summary>
/// The one place unexpected exceptions become problem details. Bad requests that Kestrel or the
/// framework detect (oversized or malformed bodies) keep their own status; the rest are 500 with a trace id.
/// </summary>
internal sealed partial class ExceptionToProblemHandler(IProblemDetailsService problems, ILogger<ExceptionToProblemHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException or IOException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // the client went away; nobody is listening
        }

        var status = exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        if (status >= StatusCodes.Status500InternalServerError)
        {
            Log.Unhandled(logger, exception);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = status switch
                {
                    StatusCodes.Status500InternalServerError => "An unexpected error occurred",
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    _ => "Bad request",
                },
                Detail = status == StatusCodes.Status500InternalServerError ? "The error has been logged; quote the trace id when reporting it." : exception.Message,
            },
        });
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception")]
        public static partial void Unhandled(ILogger logger, Exception exception);
    }
}
