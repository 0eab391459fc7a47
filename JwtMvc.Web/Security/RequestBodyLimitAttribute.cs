using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace JwtMvc.Web.Security;

/// <summary>
/// Caps the request body of an action (or of every action of a controller) at <see cref="MaxBytes"/>, counted as the
/// bytes arrive, so a chunked body or a false <c>Content-Length</c> cannot get past it: the body is read up front,
/// at most <c>MaxBytes + 1</c> bytes of it, and a longer one is answered 413 before anything parses it. On Kestrel
/// the server's own per-request limit is set too.
/// </summary>
/// <remarks>
/// Reading up front (rather than failing mid-parse) matters: MVC's form value provider turns a read error into a
/// 400 model-state error, which would hide the 413. Only for small bodies: the whole body is held in memory.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class RequestBodyLimitAttribute(long maxBytes) : Attribute, IAsyncResourceFilter, IOrderedFilter
{
    /// <summary>What the sign-in, account and order endpoints accept: a few short fields, or an order's 50 lines.</summary>
    public const int SmallBodyBytes = 16 * 1024;

    public long MaxBytes { get; } = maxBytes;

    // Before model binding and anything else that could start reading the body.
    public int Order => int.MinValue;

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        var httpContext = context.HttpContext;
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = MaxBytes;
        }

        var body = httpContext.Request.ContentLength > MaxBytes ? null : await ReadAtMostAsync(httpContext, MaxBytes);
        if (body is null)
        {
            context.Result = TooLarge(httpContext);
            return;
        }

        httpContext.Request.Body = new MemoryStream(body, writable: false);
        httpContext.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipeFeature(httpContext));
        await next();
    }

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(HttpContext httpContext, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            int read;
            while ((read = await httpContext.Request.Body.ReadAsync(chunk, httpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null; // the server's own limit, set above, tripped first
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private ObjectResult TooLarge(HttpContext httpContext)
    {
        var problem = httpContext.RequestServices.GetRequiredService<ProblemDetailsFactory>().CreateProblemDetails(
            httpContext,
            StatusCodes.Status413PayloadTooLarge,
            title: "Request body too large",
            detail: $"This endpoint reads at most {MaxBytes} bytes of request body.");
        return new ObjectResult(problem) { StatusCode = StatusCodes.Status413PayloadTooLarge, ContentTypes = { "application/problem+json" } };
    }
}
