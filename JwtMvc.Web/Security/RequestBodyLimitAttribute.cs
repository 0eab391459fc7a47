using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Filters;

namespace JwtMvc.Web.Security;

/// <summary>
/// Caps the request body of an action (or of every action of a controller) at <see cref="MaxBytes"/>, counted as the
/// bytes arrive, so a chunked body or a false <c>Content-Length</c> cannot get past it: reading byte
/// <c>MaxBytes + 1</c> fails with a 413. On Kestrel the server's own per-request limit is set too.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class RequestBodyLimitAttribute(long maxBytes) : Attribute, IResourceFilter, IOrderedFilter
{
    /// <summary>What the sign-in and account endpoints accept: their bodies are a few short fields.</summary>
    public const long SmallBodyBytes = 16 * 1024;

    public long MaxBytes { get; } = maxBytes;

    // Before model binding and anything else that could start reading the body.
    public int Order => int.MinValue;

    public void OnResourceExecuting(ResourceExecutingContext context)
    {
        var httpContext = context.HttpContext;
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = MaxBytes;
        }

        // Servers without a per-request limit (TestServer, some hosts) are held to it here; where the server has one
        // this is a second lock on the same door.
        httpContext.Request.Body = new LengthLimitedStream(httpContext.Request.Body, MaxBytes);
        httpContext.Features.Set<IRequestBodyPipeFeature>(new RequestBodyPipeFeature(httpContext));
    }

    public void OnResourceExecuted(ResourceExecutedContext context)
    {
    }

    private sealed class LengthLimitedStream(Stream inner, long maxBytes) : Stream
    {
        private long read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Count(int bytes)
        {
            read += bytes;
            if (read > maxBytes)
            {
                throw new BadHttpRequestException($"The request body is larger than the limit of {maxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            return bytes;
        }
    }
}
