using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Uploads;

/// <summary>POST/GET/DELETE /api/uploads through the real app: what is accepted, what is refused and with which status.</summary>
public sealed partial class UploadsApiTests
{
    private const int MaxFileBytes = 64 * 1024;
    private const int MaxFilesPerRequest = 3;

    private UploadsFactory factory = null!;
    private SignedInClient alice = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new UploadsFactory(new Dictionary<string, string?>
        {
            ["Uploads:MaxFileBytes"] = MaxFileBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Uploads:MaxFilesPerRequest"] = MaxFilesPerRequest.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Uploads:AllowedTypes:0"] = "PNG",
            ["Uploads:AllowedTypes:1"] = "JPEG",
            ["Uploads:AllowedTypes:2"] = "PDF",
        });
        alice = await factory.LoginAsync("alice");
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task A_png_is_stored_listed_and_served_back_byte_for_byte_with_safe_headers()
    {
        var png = TestFiles.Png(5000);

        var response = await alice.UploadAsync(new MultipartBody().File(png, "photo.png", "image/png"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var item = (await response.Content.ReadFromJsonAsync<UploadedFilesBody>())!.Items.Single();
        Assert.That(item.FileName, Is.EqualTo("photo.png"));
        Assert.That(item.Size, Is.EqualTo(png.Length), "the size is what arrived");
        Assert.That(item.ContentType, Is.EqualTo("image/png"), "the type is the detected one");
        Assert.That(item.Sha256, Is.EqualTo(TestFiles.Sha256(png)), "the hash is computed while streaming");
        Assert.That(item.UploadedAt, Is.EqualTo(factory.Clock.GetUtcNow()).Within(TimeSpan.FromSeconds(1)), "time comes from the TimeProvider");
        Assert.That((await alice.ListUploadsAsync()).Select(f => f.Id), Does.Contain(item.Id), "the file is listed for its owner");

        var download = await alice.GetAsync($"/api/uploads/{item.Id}/content");

        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await download.Content.ReadAsByteArrayAsync(), Is.EqualTo(png), "the bytes come back unchanged");
        Assert.That(download.Content.Headers.ContentType?.MediaType, Is.EqualTo("image/png"));
        Assert.That(download.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"), "never rendered inline");
        Assert.That(download.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(download.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("default-src 'none'").And.Contain("sandbox"),
            "a file opened anyway runs nothing and reaches nothing");
    }

    [Test]
    public async Task Several_files_in_one_request_are_all_stored()
    {
        var files = await alice.UploadOkAsync(new MultipartBody()
            .File(TestFiles.Png(100), "a.png")
            .File(TestFiles.Jpeg(200), "b.jpg", "image/jpeg")
            .File(TestFiles.Pdf(300), "c.pdf", "application/pdf"));

        Assert.That(files.Select(f => (f.FileName, f.ContentType, f.Size)), Is.EqualTo(new[]
        {
            ("a.png", "image/png", 100L),
            ("b.jpg", "image/jpeg", 200L),
            ("c.pdf", "application/pdf", 300L),
        }), "every file of the request is stored with its detected type");
    }

    [Test]
    public async Task A_file_larger_than_MaxFileBytes_is_413_and_the_files_before_it_are_not_kept()
    {
        var before = await factory.DescribeStoreAsync();

        var response = await alice.UploadAsync(new MultipartBody()
            .File(TestFiles.Png(1000), "fine.png")
            .File(TestFiles.Png(MaxFileBytes + 1), "big.png"));

        await AssertRefused(response, HttpStatusCode.RequestEntityTooLarge, "big.png");
        Assert.That(await factory.DescribeStoreAsync(), Is.EqualTo(before), "all files of a request are kept or none");
    }

    [Test]
    public async Task A_file_of_exactly_MaxFileBytes_is_accepted()
    {
        var files = await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(MaxFileBytes), "limit.png"));

        Assert.That(files.Single().Size, Is.EqualTo(MaxFileBytes));
    }

    [Test]
    public async Task More_than_MaxFilesPerRequest_files_is_400_and_none_is_kept()
    {
        var before = await factory.DescribeStoreAsync();
        var body = new MultipartBody();
        for (var i = 0; i <= MaxFilesPerRequest; i++)
        {
            body.File(TestFiles.Png(100 + i), $"{i}.png");
        }

        var response = await alice.UploadAsync(body);

        await AssertRefused(response, HttpStatusCode.BadRequest, $"at most {MaxFilesPerRequest} files");
        Assert.That(await factory.DescribeStoreAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task An_empty_file_is_400()
    {
        var before = await factory.DescribeStoreAsync();

        var response = await alice.UploadAsync(new MultipartBody().File([], "empty.png", "image/png"));

        await AssertRefused(response, HttpStatusCode.BadRequest, "empty.png' is empty");
        Assert.That(await factory.DescribeStoreAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task A_request_without_a_files_part_is_400()
    {
        var response = await alice.UploadAsync(new MultipartBody()
            .Field("comment", "no file here")
            .File(TestFiles.Png(), "wrong-field.png", field: "file"));

        await AssertRefused(response, HttpStatusCode.BadRequest, "no part named 'files'");
    }

    [Test]
    public async Task A_body_that_is_not_multipart_is_415()
    {
        var response = await alice.UploadAsync(new ByteArrayContent(TestFiles.Png()) { Headers = { ContentType = new("image/png") } });

        await AssertRefused(response, HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
    }

    [Test]
    public async Task A_png_renamed_to_pdf_is_415()
    {
        var response = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(), "report.pdf", "application/pdf"));

        await AssertRefused(response, HttpStatusCode.UnsupportedMediaType, "named as PDF but its content is PNG");
    }

    [Test]
    public async Task A_png_renamed_to_pdf_is_415_even_when_sent_as_octet_stream()
    {
        var response = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(), "report.pdf"));

        await AssertRefused(response, HttpStatusCode.UnsupportedMediaType, "named as PDF");
    }

    [Test]
    public async Task A_text_file_named_png_is_415()
    {
        var response = await alice.UploadAsync(new MultipartBody().File(TestFiles.Text(), "innocent.png", "image/png"));

        await AssertRefused(response, HttpStatusCode.UnsupportedMediaType, "not a type this site accepts");
    }

    [Test]
    public async Task A_claimed_type_that_disagrees_with_the_content_is_415()
    {
        var response = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(), "picture", "text/html"));

        await AssertRefused(response, HttpStatusCode.UnsupportedMediaType, "sent as text/html but its content is PNG");
    }

    [Test]
    public async Task A_recognised_type_that_is_not_in_AllowedTypes_is_415()
    {
        var response = await alice.UploadAsync(new MultipartBody().File(TestFiles.Gif(), "animation.gif", "image/gif"));

        await AssertRefused(response, HttpStatusCode.UnsupportedMediaType, "is a GIF file");
    }

    [TestCase("../../etc/passwd", "passwd.png")]
    [TestCase("..\\x.txt", "x.txt.png")]
    [TestCase("a<script>.png", "a_script_.png")]
    [TestCase("C:\\Windows\\system32\\evil.png", "evil.png")]
    [TestCase("CON.png", "_CON.png")]
    [TestCase("....png", "png.png")]
    public async Task Hostile_file_names_are_stored_under_random_names_and_served_back_sanitised(string sent, string expected)
    {
        var stored = (await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(321), sent))).Single();

        await AssertServedAs(stored, expected);
    }

    [TestCaseSource(nameof(NamesWithControlCharacters))]
    public async Task Control_and_invisible_characters_are_removed_from_file_names(string sent, string expected)
    {
        var stored = (await alice.UploadOkAsync(new MultipartBody().FileWithEncodedName(TestFiles.Png(123), sent))).Single();

        await AssertServedAs(stored, expected);
    }

    [Test]
    public async Task A_300_character_name_is_shortened_keeping_its_extension()
    {
        var sent = new string('n', 296) + ".png";

        var stored = (await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(77), sent))).Single();

        await AssertServedAs(stored, new string('n', 196) + ".png");
    }

    [Test]
    public async Task A_non_ascii_name_is_served_with_an_rfc_6266_filename_star()
    {
        var stored = (await alice.UploadOkAsync(new MultipartBody().FileWithEncodedName(TestFiles.Pdf(99), "Résumé 2026.pdf"))).Single();

        var download = await alice.GetAsync($"/api/uploads/{stored.Id}/content");

        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.That(stored.FileName, Is.EqualTo("Résumé 2026.pdf"));
        Assert.That(disposition.FileNameStar, Is.EqualTo("Résumé 2026.pdf"), "filename* carries the exact name");
        Assert.That(download.Content.Headers.GetValues("Content-Disposition").Single(), Does.Contain("filename*=UTF-8''R%C3%A9sum%C3%A9%202026.pdf"));
        Assert.That(disposition.FileName!.Trim('"'), Does.Not.Contain("é"), "the plain filename stays ASCII for old clients");
    }

    [Test]
    public async Task Another_users_file_is_404_to_fetch_and_to_delete_and_is_not_listed()
    {
        var stored = (await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(444), "alice-only.png"))).Single();
        var bob = await factory.LoginAsync("bob");

        var fetch = await bob.GetAsync($"/api/uploads/{stored.Id}/content");
        var delete = await bob.SendAsync(HttpMethod.Delete, $"/api/uploads/{stored.Id}");
        var bobsList = await bob.ListUploadsAsync();

        Assert.That(fetch.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another user's file is not found, not forbidden");
        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(bobsList.Select(f => f.Id), Does.Not.Contain(stored.Id));
        Assert.That((await alice.GetAsync($"/api/uploads/{stored.Id}/content")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "alice's file survives bob's attempt");
    }

    [Test]
    public async Task Deleting_a_file_is_204_and_removes_its_row_and_its_bytes()
    {
        var stored = (await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(555), "doomed.png"))).Single();
        var filesBefore = factory.FilesInStore();

        var delete = await alice.SendAsync(HttpMethod.Delete, $"/api/uploads/{stored.Id}");

        Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await alice.GetAsync($"/api/uploads/{stored.Id}/content")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await alice.SendAsync(HttpMethod.Delete, $"/api/uploads/{stored.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a second delete finds nothing");
        Assert.That((await alice.ListUploadsAsync()).Select(f => f.Id), Does.Not.Contain(stored.Id));
        Assert.That(factory.FilesInStore(), Has.Count.EqualTo(filesBefore.Count - 1), "the bytes are deleted too");
    }

    [TestCase("GET", "/api/uploads")]
    [TestCase("POST", "/api/uploads")]
    [TestCase("GET", "/api/uploads/0195e7a2-0000-7000-8000-000000000000/content")]
    [TestCase("DELETE", "/api/uploads/0195e7a2-0000-7000-8000-000000000000")]
    public async Task Without_a_token_every_uploads_endpoint_is_401(string method, string url)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "POST")
        {
            request.Content = new MultipartBody().File(TestFiles.Png(), "anonymous.png").ToContent();
        }

        var response = await factory.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
    }

    [Test]
    public async Task The_request_body_limit_follows_the_file_limits()
    {
        factory.Probe.Reset();

        await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(10), "small.png"));
        await factory.Probe.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        const long allFilesAtTheirLargest = (long)MaxFileBytes * MaxFilesPerRequest;
        Assert.That(factory.Probe.LastMaxRequestBodySize, Is.GreaterThan(allFilesAtTheirLargest).And.LessThan(allFilesAtTheirLargest + (128 * 1024)),
            "the endpoint allows every file at its largest plus multipart overhead, not the server-wide 28.6 MB default");
    }

    [Test]
    public async Task Stored_files_are_named_by_random_keys_only()
    {
        await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(66), "../../../../tmp/owned.png"));

        Assert.That(factory.FilesInStore(), Is.Not.Empty.And.All.Matches(StoredPath()), "no client-chosen name reaches the disk");
        Assert.That(Directory.GetFiles(factory.WorkDirectory, "owned*", SearchOption.AllDirectories), Is.Empty);
    }

    // Display names spelled out: a test name with CR LF in it breaks the test runner's report.
    private static IEnumerable<TestCaseData> NamesWithControlCharacters() =>
    [
        new TestCaseData("ev\u0001il\u0007\r\n\t\u007f.png", "evil.png").SetArgDisplayNames("ev<SOH>il<BEL><CR><LF><TAB><DEL>.png", "evil.png"),
        new TestCaseData("\u202Egnp.exe", "gnp.exe.png").SetArgDisplayNames("<RLO>gnp.exe", "gnp.exe.png"),
        new TestCaseData("../\u0000/..\\secret.png", "secret.png").SetArgDisplayNames("../<NUL>/..\\secret.png", "secret.png"),
        new TestCaseData("zero\u200Bwidth.png", "zerowidth.png").SetArgDisplayNames("zero<ZWSP>width.png", "zerowidth.png"),
    ];

    private async Task AssertServedAs(UploadedFileBody stored, string expected)
    {
        var download = await alice.GetAsync($"/api/uploads/{stored.Id}/content");

        Assert.That(stored.FileName, Is.EqualTo(expected), "the stored name is sanitised");
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(download.Content.Headers.ContentDisposition?.FileNameStar, Is.EqualTo(expected), "and served back the same way");
        Assert.That(factory.FilesInStore(), Is.All.Matches(StoredPath()), "the disk only ever sees random keys");
    }

    private static async Task AssertRefused(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), "refusals are problem details");
        var problem = (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
        Assert.That(problem.Detail, Does.Contain(detailContains), "the detail says what was wrong");
    }

    [GeneratedRegex(@"^[0-9a-f]{2}[/\\][0-9a-f]{32}$")]
    private static partial Regex StoredPath();
}
