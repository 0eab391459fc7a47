using System.Net;
using System.Net.Http.Json;

namespace JwtMvc.Tests.Support;

/// <summary>The uploads API as a signed-in client calls it.</summary>
public static class UploadRequests
{
    public static Task<HttpResponseMessage> UploadAsync(this SignedInClient client, HttpContent content)
    {
        var request = client.Request(HttpMethod.Post, "/api/uploads");
        request.Content = content;
        return client.Client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> UploadAsync(this SignedInClient client, MultipartBody body) => client.UploadAsync(body.ToContent());

    /// <summary>Uploads and expects 201; returns the stored files.</summary>
    public static async Task<IReadOnlyList<UploadedFileBody>> UploadOkAsync(this SignedInClient client, MultipartBody body)
    {
        var response = await client.UploadAsync(body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<UploadedFilesBody>())!.Items;
    }

    public static async Task<IReadOnlyList<UploadedFileBody>> ListUploadsAsync(this SignedInClient client)
    {
        var response = await client.GetAsync("/api/uploads");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await response.Content.ReadFromJsonAsync<UploadedFilesBody>())!.Items;
    }
}

public sealed record UploadedFilesBody(UploadedFileBody[] Items);

public sealed record UploadedFileBody(Guid Id, string FileName, long Size, string ContentType, string Sha256, DateTimeOffset UploadedAt);
