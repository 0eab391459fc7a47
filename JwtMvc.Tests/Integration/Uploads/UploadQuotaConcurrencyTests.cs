using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Uploads;

/// <summary>
/// Uploads:MaxBytesPerUser against one user's uploads in parallel: what they stage at any moment, plus what they have
/// stored, never passes the quota, however slowly a client sends its last bytes.
/// </summary>
public sealed class UploadQuotaConcurrencyTests
{
    private const int Quota = 1024 * 1024;

    private const int KiB = 1024;

    private UploadsFactory factory = null!;

    [OneTimeSetUp]
    public void StartApp() => factory = new UploadsFactory(new Dictionary<string, string?>
    {
        ["Uploads:MaxBytesPerUser"] = Quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task While_one_upload_holds_most_of_the_quota_a_parallel_one_that_would_pass_it_is_413_and_the_room_it_took_is_given_back()
    {
        // Arrange: alice's first upload of 900 KiB has sent all but its last 10 KiB and waits.
        var alice = await factory.LoginAsync("alice");
        factory.Probe.Reset();
        var body = new MultipartBody().File(TestFiles.Png(900 * KiB), "held.png").ToArray();
        var held = new HeldStream(body, holdAt: body.Length - (10 * KiB));
        var first = alice.UploadAsync(MultipartBody.WithContentType(new StreamContent(held)));
        await held.Holding.WaitAsync(TimeSpan.FromSeconds(30));
        await factory.Probe.WaitForBytesInStoreAsync(800 * KiB);

        // Act
        var second = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(900 * KiB), "second.png"));
        var third = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(100 * KiB), "third.png"));
        held.Release();

        // Assert
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), "900 KiB held and 900 KiB more would pass 1 MiB");
        Assert.That((await second.Content.ReadFromJsonAsync<ProblemBody>())!.Title, Is.EqualTo("Storage quota reached"));
        Assert.That(third.StatusCode, Is.EqualTo(HttpStatusCode.Created), "the refused upload gave back what it had reserved, and 100 KiB more fit");
        Assert.That((await first).StatusCode, Is.EqualTo(HttpStatusCode.Created), "the upload that held the room keeps it");
        Assert.That(factory.Probe.PeakBytesInStore, Is.LessThanOrEqualTo(Quota), "what alice staged and stored never passed her quota at any moment");
        Assert.That((await alice.ListUploadsAsync()).Sum(f => f.Size), Is.EqualTo(1000 * KiB));
    }
}
