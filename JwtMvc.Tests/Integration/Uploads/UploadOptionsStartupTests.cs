using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Uploads;

/// <summary>Bad <c>Uploads:*</c> settings stop the start with a message naming the key.</summary>
public sealed class UploadOptionsStartupTests
{
    [TestCase("Uploads:MaxFileBytes", "0", "Uploads:MaxFileBytes")]
    [TestCase("Uploads:MaxFilesPerRequest", "0", "Uploads:MaxFilesPerRequest")]
    [TestCase("Uploads:MaxBytesPerUser", "0", "Uploads:MaxBytesPerUser")]
    [TestCase("Uploads:MaxFilesPerUser", "0", "Uploads:MaxFilesPerUser")]
    [TestCase("Uploads:AllowedTypes:0", "EXE", "Uploads:AllowedTypes has unknown type(s) 'EXE'")]
    public void A_bad_setting_stops_the_start(string key, string value, string message)
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain(message), "the message names the setting");
    }

    [Test]
    public void An_upload_root_inside_wwwroot_stops_the_start()
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["Uploads:Root"] = "wwwroot/uploads" });

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("Uploads:Root").And.Contain("outside wwwroot"), "uploads must never be static files");
    }

    [Test]
    public async Task Without_settings_the_defaults_are_25_MiB_10_files_and_png_jpeg_gif_pdf()
    {
        using var factory = new UploadsFactory();
        var alice = await factory.LoginAsync("alice");

        var gif = await alice.UploadAsync(new MultipartBody().File(TestFiles.Gif(), "a.gif"));
        factory.Probe.Reset();
        await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(), "a.png"));
        await factory.Probe.Finished.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(gif.StatusCode, Is.EqualTo(HttpStatusCode.Created), "GIF is allowed by default");
        Assert.That(factory.Probe.LastMaxRequestBodySize, Is.EqualTo((25L * 1024 * 1024 * 10) + (11 * 16 * 1024)), "ten files of 25 MiB plus each part's overhead");
    }
}
