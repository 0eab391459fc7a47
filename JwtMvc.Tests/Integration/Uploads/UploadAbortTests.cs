using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Uploads;

/// <summary>
/// Uploads that never finish leave nothing behind: no file in the store folder, no row. These run on real Kestrel
/// over loopback: TestServer does not end the server's body read when the client's content fails, a socket does.
/// </summary>
public sealed class UploadAbortTests
{
    private UploadsFactory factory = null!;
    private SignedInClient alice = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new UploadsFactory(new Dictionary<string, string?>
        {
            ["Uploads:MaxFileBytes"] = "1048576",
            ["Uploads:MaxFilesPerRequest"] = "2",
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        alice = await factory.LoginAsync("alice");
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task A_client_that_breaks_off_mid_file_leaves_no_file_and_no_row()
    {
        factory.Probe.Reset();
        var body = new MultipartBody().File(TestFiles.Png(256 * 1024), "interrupted.png").ToArray();
        var breaking = new BreakingStream(body.AsMemory(0, 128 * 1024), factory.Probe.Staged);
        var request = alice.Request(HttpMethod.Post, "/api/uploads");
        request.Content = MultipartBody.WithContentType(new StreamContent(breaking));
        using var giveUp = new CancellationTokenSource();

        var send = alice.Client.SendAsync(request, giveUp.Token);
        await factory.Probe.Finished.WaitAsync(TimeSpan.FromSeconds(30));
        await giveUp.CancelAsync();

        Assert.That(async () => await send, Throws.Exception, "the client's upload failed");
        Assert.That(breaking.Broke, Is.True, "the body broke off after the server had started storing the file");
        Assert.That(factory.FilesInStore(), Is.Empty, "the partial file is deleted");
        Assert.That(await factory.CountRowsAsync(), Is.Zero, "no metadata row is written");
    }

    [Test]
    public async Task A_body_that_ends_mid_file_is_400_and_leaves_no_file_and_no_row()
    {
        var body = new MultipartBody()
            .File(TestFiles.Png(1000), "complete.png")
            .File(TestFiles.Png(200 * 1024), "cut.png");
        var cut = body.ToArray().Length - (100 * 1024);

        var response = await alice.UploadAsync(body.ToContent(cutAfter: cut));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("ended before it was complete"));
        Assert.That(factory.FilesInStore(), Is.Empty, "neither the cut file nor the complete one before it is kept");
        Assert.That(await factory.CountRowsAsync(), Is.Zero);
    }

    [Test]
    public async Task A_client_that_cancels_mid_file_leaves_no_file_and_no_row()
    {
        factory.Probe.Reset();
        using var cancel = new CancellationTokenSource();
        var body = new MultipartBody().File(TestFiles.Png(256 * 1024), "cancelled.png").ToArray();
        var stalling = new BreakingStream(body.AsMemory(0, 64 * 1024), factory.Probe.Staged, onBreak: cancel.Cancel);
        var request = alice.Request(HttpMethod.Post, "/api/uploads");
        request.Content = MultipartBody.WithContentType(new StreamContent(stalling));

        Assert.That(
            async () => await alice.Client.SendAsync(request, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>().Or.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());

        await factory.Probe.Finished.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(factory.FilesInStore(), Is.Empty, "the partial file is deleted");
        Assert.That(await factory.CountRowsAsync(), Is.Zero);
    }

    [Test]
    public async Task On_kestrel_a_file_over_MaxFileBytes_is_answered_413_and_nothing_is_kept()
    {
        var body = new MultipartBody()
            .File(TestFiles.Png(1000), "small.png")
            .File(TestFiles.Png((1024 * 1024) + 1), "one-byte-too-many.png");

        var response = await alice.UploadAsync(body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        Assert.That(factory.FilesInStore(), Is.Empty, "neither file is kept");
        Assert.That(await factory.CountRowsAsync(), Is.Zero);
    }

    [Test]
    public async Task Kestrel_refuses_a_body_longer_than_the_limit_the_file_options_imply_with_413()
    {
        // Two files of 1 MiB at most: a 3 MiB body cannot be an acceptable upload, whatever its parts.
        var body = new MultipartBody().Field("padding", new string('x', 3 * 1024 * 1024)).File(TestFiles.Png(100), "late.png");

        var response = await alice.UploadAsync(body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), "the request-body limit follows Uploads:MaxFileBytes x MaxFilesPerRequest");
        Assert.That(factory.FilesInStore(), Is.Empty);
        Assert.That(await factory.CountRowsAsync(), Is.Zero);
    }

    /// <summary>
    /// Gives <paramref name="prefix"/>, then waits until the server has staged a file (so there is a partial file to
    /// clean up), then fails as a dropped connection would, or calls <paramref name="onBreak"/> and fails.
    /// </summary>
    private sealed class BreakingStream(ReadOnlyMemory<byte> prefix, Task serverStaged, Action? onBreak = null) : Stream
    {
        private int position;

        public bool Broke { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (position < prefix.Length)
            {
                var count = Math.Min(buffer.Length, prefix.Length - position);
                prefix.Slice(position, count).CopyTo(buffer);
                position += count;
                return count;
            }

            await serverStaged.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            Broke = true;
            onBreak?.Invoke();
            throw new IOException("The connection dropped mid-file.");
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
