using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Uploads;

/// <summary>Uploads:MaxBytesPerUser through the real app: a user's files together never take more than the quota.</summary>
public sealed class UploadQuotaTests
{
    private const int Quota = 10_000;

    private UploadsFactory factory = null!;

    [OneTimeSetUp]
    public void StartApp() => factory = new UploadsFactory(new Dictionary<string, string?>
    {
        ["Uploads:MaxBytesPerUser"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task An_upload_past_the_users_quota_is_413_keeps_nothing_and_fits_again_once_a_file_is_deleted()
    {
        // Arrange: 6,000 of the 10,000 bytes used.
        var alice = await factory.LoginAsync("alice");
        var first = (await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(6000), "first.png"))).Single();
        var before = await factory.DescribeStoreAsync();

        // Act
        var refused = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(1000), "small.png").File(TestFiles.Png(4000), "second.png"));

        // Assert
        var text = await refused.Content.ReadAsStringAsync();
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), text);
        var problem = (await refused.Content.ReadFromJsonAsync<ProblemBody>())!;
        Assert.That(problem.Title, Is.EqualTo("Storage quota reached"));
        Assert.That(problem.Detail, Does.Contain("second.png").And.Contain("10,000 bytes"), "says which file and what the quota is");
        Assert.That(await factory.DescribeStoreAsync(), Is.EqualTo(before), "nothing of the refused request is kept");
        var bob = await factory.LoginAsync("bob");
        Assert.That((await bob.UploadAsync(new MultipartBody().File(TestFiles.Png(9000), "bobs.png"))).StatusCode, Is.EqualTo(HttpStatusCode.Created), "the quota is per user");

        Assert.That((await alice.SendAsync(HttpMethod.Delete, $"/api/uploads/{first.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(1000), "small.png").File(TestFiles.Png(4000), "second.png"))).StatusCode,
            Is.EqualTo(HttpStatusCode.Created), "deleting a file makes room");
    }
}
