using System.Runtime.CompilerServices;
using JwtMvc.Core.Uploads;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace JwtMvc.Web.Uploads;

/// <summary>
/// Reads a multipart/form-data body part by part, straight from the connection: each part named
/// <see cref="FieldName"/> is handed on as a stream over the wire, nothing is buffered (no IFormFile).
/// Other parts are skipped. A body that breaks off or is malformed is a 400, not a 500.
/// </summary>
internal static class MultipartFiles
{
    public const string FieldName = "files";

    private const int MaxBoundaryLength = 70; // RFC 2046

    /// <summary>The multipart boundary of the request, or null when it is not multipart/form-data with a usable one.</summary>
    public static string? BoundaryOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrWhiteSpace(boundary) || boundary.Length > MaxBoundaryLength ? null : boundary;
    }

    public static async IAsyncEnumerable<IncomingFile> ReadAsync(HttpRequest request, string boundary, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, request.Body)
        {
            HeadersLengthLimit = UploadOptions.PartOverheadBytes,
            BodyLengthLimit = null, // the per-file and request-body limits apply instead
        };

        while (await NextSectionAsync(reader, request.HttpContext, cancellationToken) is { } section)
        {
            var body = new UploadBodyStream(section.Body, request.HttpContext);
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, FieldName, StringComparison.Ordinal))
            {
                await body.CopyToAsync(Stream.Null, cancellationToken);
                continue;
            }

            var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
            yield return new IncomingFile(fileName, section.ContentType, body);

            // Whatever the consumer left of this part is skipped before the next one is read.
            await body.CopyToAsync(Stream.Null, cancellationToken);
        }
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (Exception exception) when (UploadBodyStream.IsMalformedBody(exception, context))
        {
            throw UploadBodyStream.BadBody(exception);
        }
    }
}

/// <summary>
/// A part's body that reports a body which ended early or is malformed as a 400 (<see cref="BadHttpRequestException"/>).
/// Kestrel's own refusals (413) and a client that went away pass through unchanged.
/// </summary>
internal sealed class UploadBodyStream(Stream inner, HttpContext context) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static bool IsMalformedBody(Exception exception, HttpContext context) =>
        exception is (IOException or InvalidDataException) and not BadHttpRequestException
        && !context.RequestAborted.IsCancellationRequested;

    public static BadHttpRequestException BadBody(Exception exception) =>
        new("The upload ended before it was complete or is not well-formed multipart/form-data; nothing was stored.", StatusCodes.Status400BadRequest, exception);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception exception) when (IsMalformedBody(exception, context))
        {
            throw BadBody(exception);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the upload asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
