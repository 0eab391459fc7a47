using JwtMvc.Tests.Support;
using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>The upload page: upload with a progress bar, list, download through the token, delete; refusals explained.</summary>
[Category("Browser")]
public sealed class UploadPageTests : BrowserTest
{
    // Records every value the progress bars of the queue show, in order.
    private const string WatchProgressScript = """
        () => {
            window.progressSeen = [];
            new MutationObserver(changes => changes.forEach(change =>
                window.progressSeen.push(Number(change.target.getAttribute('aria-valuenow')))))
                .observe(document.getElementById('upload-queue'), { subtree: true, attributes: true, attributeFilter: ['aria-valuenow'] });
        }
        """;

    [Test]
    public async Task A_user_uploads_a_png_watches_it_reach_100_percent_sees_it_listed_downloads_the_same_bytes_and_deletes_it()
    {
        var (userName, password) = await Server.RegisterUserAsync("uploader");
        var png = TestFiles.Png(300_000);
        await SignInAsync(Page, userName, password, "/upload");
        await Page.Locator("#files-empty:not(.d-none)").WaitForAsync();
        await Page.EvaluateAsync(WatchProgressScript);

        // Upload: the bar fills to 100%.
        await Page.SetInputFilesAsync("#upload-input", new FilePayload { Name = "pixel.png", MimeType = "image/png", Buffer = png });
        var item = Page.Locator(".upload-item[data-state='done']");
        await item.WaitForAsync();
        Assert.That(await item.Locator(".progress").GetAttributeAsync("aria-valuenow"), Is.EqualTo("100"), "the bar ends full");
        Assert.That(await item.Locator(".progress-bar").TextContentAsync(), Is.EqualTo("100%"));
        var seen = await Page.EvaluateAsync<int[]>("() => window.progressSeen");
        Assert.That(seen, Is.Not.Empty.And.Ordered, $"the bar only moves forward: {string.Join(", ", seen)}");
        Assert.That(seen[^1], Is.EqualTo(100));

        // Listed.
        var row = Page.Locator("tr.file-row[data-file-name='pixel.png']");
        await row.WaitForAsync();
        Assert.That(await row.Locator(".file-type").TextContentAsync(), Is.EqualTo("image/png"), "the detected type is shown");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("upload"), FullPage = true });

        // Downloaded with the token, saved from a blob: the same bytes under the same name.
        var download = await Page.RunAndWaitForDownloadAsync(() => row.Locator(".file-download").ClickAsync());
        var saved = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.That(download.SuggestedFilename, Is.EqualTo("pixel.png"));
        Assert.That(saved, Is.EqualTo(png), "the downloaded bytes equal the uploaded ones");
        Assert.That(download.Url, Does.StartWith("blob:"), "saved from the fetched blob, not from a link without the token");

        // Deleted: gone from the list, and still gone after a reload.
        await row.Locator(".file-delete").ClickAsync();
        await row.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.That(await Page.Locator("#files-status").TextContentAsync(), Does.Contain("pixel.png").And.Contain("deleted"));
        await Page.ReloadAsync();
        await Page.Locator("#files-empty:not(.d-none)").WaitForAsync();
        Assert.That(await Page.Locator("tr.file-row").CountAsync(), Is.Zero, "the server no longer has it");
    }

    [Test]
    public async Task Refused_files_say_why_and_do_not_stop_the_others()
    {
        var (userName, password) = await Server.RegisterUserAsync("refused");
        await SignInAsync(Page, userName, password, "/upload");
        await Page.Locator("#files-empty:not(.d-none)").WaitForAsync();

        await Page.SetInputFilesAsync("#upload-input", new[]
        {
            new FilePayload { Name = "notes.png", MimeType = "image/png", Buffer = TestFiles.Text() },
            new FilePayload { Name = "empty.pdf", MimeType = "application/pdf", Buffer = [] },
            new FilePayload { Name = "fine.pdf", MimeType = "application/pdf", Buffer = TestFiles.Pdf(5000) },
        });

        var textAsPng = Page.Locator(".upload-item[data-file-name='notes.png'][data-state='refused'] .upload-message");
        await textAsPng.WaitForAsync();
        Assert.That(await textAsPng.TextContentAsync(), Does.Contain("is not a type this site accepts"), "the 415's problem detail is shown");
        Assert.That(
            await Page.Locator(".upload-item[data-file-name='empty.pdf'][data-state='refused'] .upload-message").TextContentAsync(),
            Does.Contain("is empty"));
        await Page.Locator("tr.file-row[data-file-name='fine.pdf']").WaitForAsync();
        Assert.That(await Page.Locator("tr.file-row").CountAsync(), Is.EqualTo(1), "only the acceptable file is stored");
    }
}
