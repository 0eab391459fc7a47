using System.Net.Http.Headers;
using System.Text;

namespace JwtMvc.Tests.Support;

/// <summary>
/// A multipart/form-data body written byte for byte, so a test can send what a hostile or broken client
/// would (any file name, parts cut short), not only what HttpClient's MultipartFormDataContent allows.
/// </summary>
public sealed class MultipartBody
{
    public const string Boundary = "jwtmvc-test-boundary-7d1c";

    private readonly List<byte[]> parts = [];

    /// <summary>A file part. <paramref name="fileName"/> goes into a quoted <c>filename</c> as it is.</summary>
    public MultipartBody File(byte[] content, string fileName, string? contentType = "application/octet-stream", string field = "files") =>
        Part($"form-data; name=\"{field}\"; filename=\"{fileName}\"", contentType, content);

    /// <summary>A file part whose name travels as RFC 5987 <c>filename*</c> (percent-encoded UTF-8), which can carry any character.</summary>
    public MultipartBody FileWithEncodedName(byte[] content, string fileName, string? contentType = "application/octet-stream") =>
        Part($"form-data; name=\"files\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}", contentType, content);

    public MultipartBody Field(string name, string value) =>
        Part($"form-data; name=\"{name}\"", null, Encoding.UTF8.GetBytes(value));

    /// <summary>The whole body; <paramref name="cutAfter"/> bytes of it when given (a body that ends mid-file).</summary>
    public byte[] ToArray(int? cutAfter = null)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts)
        {
            buffer.Write(part);
        }

        buffer.Write(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
        var bytes = buffer.ToArray();
        return cutAfter is { } length ? bytes[..length] : bytes;
    }

    public HttpContent ToContent(int? cutAfter = null) => WithContentType(new ByteArrayContent(ToArray(cutAfter)));

    public static HttpContent WithContentType(HttpContent content)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        return content;
    }

    private MultipartBody Part(string disposition, string? contentType, byte[] content)
    {
        var header = new StringBuilder()
            .Append("--").Append(Boundary).Append("\r\n")
            .Append("Content-Disposition: ").Append(disposition).Append("\r\n");
        if (contentType is not null)
        {
            header.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        header.Append("\r\n");
        parts.Add([.. Encoding.UTF8.GetBytes(header.ToString()), .. content, .. "\r\n"u8]);
        return this;
    }
}
