using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Uploads;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace JwtMvc.Tests.Unit.Uploads;

/// <summary>The all-or-nothing rules of <see cref="UploadService"/>, with the store and repository mocked.</summary>
public sealed class UploadServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private Mock<IFileStore> store = null!;
    private Mock<IStoredFileRepository> repository = null!;
    private List<FakeStagedFile> staged = null!;
    private UploadReservations reservations = null!;
    private long storedBytes;
    private NextStore nextStore;

    [SetUp]
    public void SetUp()
    {
        staged = [];
        reservations = new UploadReservations();
        storedBytes = 0;
        nextStore = NextStore.Normal;
        store = new Mock<IFileStore>();
        store.Setup(s => s.CreateAsync(It.IsAny<CancellationToken>())).ReturnsAsync(() =>
        {
            var file = new FakeStagedFile($"{staged.Count:x32}");
            staged.Add(file);
            return file;
        });
        repository = new Mock<IStoredFileRepository>();
        // One user's rows, as the database keeps them: stored only when they fit the quota.
        repository.Setup(r => r.AddWithinQuotaAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<StoredFile>>(), It.IsAny<StorageQuota>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, IReadOnlyCollection<StoredFile> files, StorageQuota quota, CancellationToken _) =>
            {
                var next = nextStore;
                nextStore = NextStore.Normal;
                if (next == NextStore.Throws)
                {
                    throw new InvalidOperationException("database down");
                }

                var bytes = files.Sum(f => f.Size);
                if (next == NextStore.Refused || storedBytes + bytes > quota.MaxBytes)
                {
                    return false;
                }

                storedBytes += bytes;
                return true;
            });
        repository.Setup(r => r.UsageAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(() => new StorageUsage(storedBytes, 0));
    }

    [Test]
    public async Task Files_are_hashed_measured_typed_and_committed_with_their_rows()
    {
        var png = TestFiles.Png(100_000);

        var result = await Service().UploadAsync("alice", Files(new IncomingFile("p.png", "image/png", new MemoryStream(png))), CancellationToken.None);

        var file = ((UploadResult.Uploaded)result).Files.Single();
        Assert.That((file.OwnerId, file.Size, file.ContentType, file.Sha256, file.UploadedAt), Is.EqualTo(("alice", 100_000L, "image/png", TestFiles.Sha256(png), clock.GetUtcNow())));
        Assert.That(staged.Single().Written, Is.EqualTo(png), "the bytes reach the store unchanged");
        Assert.That(staged.Single().Committed, Is.True);
        repository.Verify(r => r.AddWithinQuotaAsync("alice", It.Is<IReadOnlyCollection<StoredFile>>(f => f.Single().StorageKey == file.StorageKey), new UploadOptions().Quota, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_refused_second_file_discards_the_first_and_commits_nothing()
    {
        var result = await Service().UploadAsync("alice", Files(
            new IncomingFile("ok.png", null, new MemoryStream(TestFiles.Png())),
            new IncomingFile("bad.png", null, new MemoryStream(TestFiles.Text()))), CancellationToken.None);

        Assert.That(result, Is.InstanceOf<UploadResult.UnsupportedType>());
        Assert.That(staged.Single().Committed, Is.False, "nothing is committed before every file has passed");
        Assert.That(staged.Single().Disposed, Is.True, "and the staged file is deleted");
        repository.Verify(r => r.AddWithinQuotaAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<StoredFile>>(), It.IsAny<StorageQuota>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void A_body_that_fails_mid_file_discards_the_staged_file_and_the_error_propagates()
    {
        var failing = new FailingStream(TestFiles.Png(50_000), failAfter: 20_000);

        Assert.That(
            async () => await Service().UploadAsync("alice", Files(new IncomingFile("x.png", null, failing)), CancellationToken.None),
            Throws.InstanceOf<IOException>());

        Assert.That(staged.Single().Committed, Is.False, "the partial file is not committed");
        Assert.That(staged.Single().Disposed, Is.True, "the partial file is deleted");
        repository.Verify(r => r.AddWithinQuotaAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<StoredFile>>(), It.IsAny<StorageQuota>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void When_the_rows_cannot_be_stored_the_committed_files_are_deleted()
    {
        repository.Setup(r => r.AddWithinQuotaAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<StoredFile>>(), It.IsAny<StorageQuota>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("database down"));

        Assert.That(
            async () => await Service().UploadAsync("alice", Files(
                new IncomingFile("a.png", null, new MemoryStream(TestFiles.Png())),
                new IncomingFile("b.pdf", null, new MemoryStream(TestFiles.Pdf()))), CancellationToken.None),
            Throws.InvalidOperationException);

        foreach (var file in staged)
        {
            store.Verify(s => s.DeleteAsync(file.StorageKey, It.IsAny<CancellationToken>()), Times.Once, "committed bytes without a row are deleted");
        }
    }

    [Test]
    public async Task The_file_after_the_last_allowed_one_is_refused_before_it_is_read()
    {
        var third = new FailingStream(TestFiles.Png(), failAfter: 0);

        var result = await Service(o => o.MaxFilesPerRequest = 2).UploadAsync("alice", Files(
            new IncomingFile("1.png", null, new MemoryStream(TestFiles.Png())),
            new IncomingFile("2.png", null, new MemoryStream(TestFiles.Png())),
            new IncomingFile("3.png", null, third)), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new UploadResult.TooManyFiles(2)));
        Assert.That(staged.Select(f => f.Committed), Has.All.False, "no staged file is committed");
        Assert.That(staged.Select(f => f.Disposed), Has.All.True, "every staged file is deleted");
    }

    [Test]
    public async Task A_file_one_byte_over_the_limit_is_refused_while_streaming()
    {
        var result = await Service(o => o.MaxFileBytes = 1000).UploadAsync("alice", Files(
            new IncomingFile("big.png", null, new MemoryStream(TestFiles.Png(1001)))), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new UploadResult.TooLarge("big.png", 1000)));
        Assert.That(staged.Single().Disposed, Is.True);
    }

    [Test]
    public async Task A_file_that_would_pass_the_users_quota_is_refused_while_streaming_and_nothing_is_kept()
    {
        // Arrange: 1,500 of 4,000 bytes used; the first file fits, the second passes what is left.
        repository.Setup(r => r.UsageAsync("alice", It.IsAny<CancellationToken>())).ReturnsAsync(new StorageUsage(1500, 1));
        var second = new FailingStream(TestFiles.Png(5000), failAfter: 3000);

        // Act
        var result = await Service(o => o.MaxBytesPerUser = 4000).UploadAsync("alice", Files(
            new IncomingFile("fits.png", null, new MemoryStream(TestFiles.Png(2000))),
            new IncomingFile("passes.png", null, second)), CancellationToken.None);

        // Assert
        Assert.That(result, Is.EqualTo(new UploadResult.QuotaExceeded("passes.png", new StorageQuota(4000, 1000))), "refused before the stream's failure at 3,000 bytes: once 501 bytes passed what was left");
        Assert.That(staged.Select(f => f.Committed), Has.All.False);
        Assert.That(staged.Select(f => f.Disposed), Has.All.True);
        repository.Verify(r => r.AddWithinQuotaAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<StoredFile>>(), It.IsAny<StorageQuota>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task The_file_past_the_users_number_of_files_is_refused_before_it_is_read()
    {
        repository.Setup(r => r.UsageAsync("alice", It.IsAny<CancellationToken>())).ReturnsAsync(new StorageUsage(100, 2));
        var fourth = new FailingStream(TestFiles.Png(), failAfter: 0);

        var result = await Service(o => o.MaxFilesPerUser = 3).UploadAsync("alice", Files(
            new IncomingFile("third.png", null, new MemoryStream(TestFiles.Png())),
            new IncomingFile("fourth.png", null, fourth)), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new UploadResult.QuotaExceeded("fourth.png", new StorageQuota(UploadOptions.DefaultMaxBytesPerUser, 3))));
        Assert.That(staged.Select(f => f.Disposed), Has.All.True, "the third file is not kept either");
    }

    [Test]
    public async Task A_file_past_both_limits_is_refused_as_too_large()
    {
        repository.Setup(r => r.UsageAsync("alice", It.IsAny<CancellationToken>())).ReturnsAsync(new StorageUsage(3900, 1));

        var result = await Service(o => (o.MaxBytesPerUser, o.MaxFileBytes) = (4000, 1000)).UploadAsync("alice", Files(
            new IncomingFile("big.png", null, new MemoryStream(TestFiles.Png(1001)))), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new UploadResult.TooLarge("big.png", 1000)), "the file limit is the one the user can do nothing about");
    }

    [Test]
    public async Task When_another_upload_took_the_room_first_the_committed_files_are_deleted()
    {
        repository.Setup(r => r.AddWithinQuotaAsync("alice", It.IsAny<IReadOnlyCollection<StoredFile>>(), new StorageQuota(4000, 1000), It.IsAny<CancellationToken>()))
            .ReturnsAsync(false);

        var result = await Service(o => o.MaxBytesPerUser = 4000).UploadAsync("alice", Files(
            new IncomingFile("a.png", null, new MemoryStream(TestFiles.Png(1000)))), CancellationToken.None);

        Assert.That(result, Is.EqualTo(new UploadResult.QuotaExceeded("a.png", new StorageQuota(4000, 1000))));
        store.Verify(s => s.DeleteAsync(staged.Single().StorageKey, It.IsAny<CancellationToken>()), Times.Once, "committed bytes without a row are deleted");
    }

    [Test]
    public async Task While_an_upload_holds_room_mid_file_a_parallel_upload_of_the_same_user_may_not_stage_past_the_quota()
    {
        // Arrange: a quota of 4,000 bytes; the first upload has sent 2,000 of its 3,000 bytes and waits.
        var service = Service(o => o.MaxBytesPerUser = 4000);
        var held = new HeldStream(TestFiles.Png(3000), holdAt: 2000);
        var first = service.UploadAsync("alice", Files(new IncomingFile("held.png", null, held)), CancellationToken.None);
        await held.Holding.WaitAsync(TimeSpan.FromSeconds(10));

        // Act
        var second = await service.UploadAsync("alice", Files(new IncomingFile("second.png", null, new MemoryStream(TestFiles.Png(2500)))), CancellationToken.None);
        held.Release();

        // Assert
        Assert.That(second, Is.EqualTo(new UploadResult.QuotaExceeded("second.png", new StorageQuota(4000, 1000))), "2,000 bytes held and 2,500 more would pass 4,000");
        Assert.That(staged.Sum(f => f.Written.Length), Is.LessThanOrEqualTo(4000), "the two uploads never staged more than the quota between them");
        Assert.That(await first, Is.InstanceOf<UploadResult.Uploaded>(), "the upload that held the room keeps it");
    }

    [Test]
    public async Task Parallel_uploads_of_one_user_that_fit_the_quota_together_all_succeed()
    {
        var service = Service(o => o.MaxBytesPerUser = 4000);
        var held = new HeldStream(TestFiles.Png(2500), holdAt: 2000);
        var first = service.UploadAsync("alice", Files(new IncomingFile("held.png", null, held)), CancellationToken.None);
        await held.Holding.WaitAsync(TimeSpan.FromSeconds(10));

        var second = await service.UploadAsync("alice", Files(new IncomingFile("second.png", null, new MemoryStream(TestFiles.Png(1500)))), CancellationToken.None);
        held.Release();

        Assert.That(second, Is.InstanceOf<UploadResult.Uploaded>(), "2,000 bytes held and 1,500 more fit 4,000");
        Assert.That(await first, Is.InstanceOf<UploadResult.Uploaded>(), "1,500 stored and 2,500 staged fit 4,000 exactly");
        Assert.That(storedBytes, Is.EqualTo(4000));
    }

    [Test]
    public async Task Bytes_a_parallel_upload_stored_after_this_one_read_the_usage_count_against_it()
    {
        // Arrange: the first upload read the usage (nothing stored) and holds after its first 1,000 bytes.
        var service = Service(o => o.MaxBytesPerUser = 4000);
        var held = new HeldStream(TestFiles.Png(2000), holdAt: 1000);
        var first = service.UploadAsync("alice", Files(new IncomingFile("late.png", null, held)), CancellationToken.None);
        await held.Holding.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(await service.UploadAsync("alice", Files(new IncomingFile("quick.png", null, new MemoryStream(TestFiles.Png(2500)))), CancellationToken.None),
            Is.InstanceOf<UploadResult.Uploaded>());

        // Act
        held.Release();
        var result = await first;

        // Assert: 2,500 stored and 2,000 staged would pass 4,000; refused while streaming, before any row is tried.
        Assert.That(result, Is.EqualTo(new UploadResult.QuotaExceeded("late.png", new StorageQuota(4000, 1000))));
        Assert.That(staged[0].Written, Has.Length.EqualTo(1000), "not one byte staged past the quota");
        repository.Verify(r => r.AddWithinQuotaAsync(It.IsAny<string>(), It.IsAny<IReadOnlyCollection<StoredFile>>(), It.IsAny<StorageQuota>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [TestCase("refused past the quota")]
    [TestCase("refused as an unsupported type")]
    [TestCase("broken off mid-file")]
    [TestCase("cancelled mid-file")]
    [TestCase("refused when its rows were stored")]
    [TestCase("failed storing its rows")]
    public async Task An_upload_that_failed_releases_its_reservation(string failure)
    {
        // Arrange: a quota of 4,000 bytes. Another upload of alice's holds 50 bytes throughout, so her reservations here
        // are not simply dropped when the failed one ends; each failure below had reserved 3,000 bytes or more.
        var service = Service(o => o.MaxBytesPerUser = 4000);
        var held = new HeldStream(TestFiles.Png(100), holdAt: 50);
        var other = service.UploadAsync("alice", Files(new IncomingFile("held.png", null, held)), CancellationToken.None);
        await held.Holding.WaitAsync(TimeSpan.FromSeconds(10));
        var fits = new IncomingFile("fits.png", null, new MemoryStream(TestFiles.Png(3000)));
        using var cancel = new CancellationTokenSource();
        nextStore = failure switch
        {
            "refused when its rows were stored" => NextStore.Refused,
            "failed storing its rows" => NextStore.Throws,
            _ => NextStore.Normal,
        };
        var upload = failure switch
        {
            "refused past the quota" => service.UploadAsync("alice", Files(fits, new IncomingFile("big.png", null, new MemoryStream(TestFiles.Png(2000)))), CancellationToken.None),
            "refused as an unsupported type" => service.UploadAsync("alice", Files(fits, new IncomingFile("bad.png", null, new MemoryStream(TestFiles.Text()))), CancellationToken.None),
            "broken off mid-file" => service.UploadAsync("alice", Files(new IncomingFile("x.png", null, new FailingStream(TestFiles.Png(3500), failAfter: 3000))), CancellationToken.None),
            "cancelled mid-file" => service.UploadAsync("alice", Files(new IncomingFile("x.png", null, new FailingStream(TestFiles.Png(3500), failAfter: 3000, onFail: cancel.Cancel))), cancel.Token),
            _ => service.UploadAsync("alice", Files(fits), CancellationToken.None),
        };
        try
        {
            Assert.That(await upload, Is.Not.InstanceOf<UploadResult.Uploaded>());
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException
            || exception is InvalidOperationException { Message: "database down" } and not ObjectDisposedException)
        {
            // The failure under test (not a misuse of the reservation, which would be an ObjectDisposedException).
        }

        // Act
        var later = await service.UploadAsync("alice", Files(new IncomingFile("the-rest.png", null, new MemoryStream(TestFiles.Png(3800)))), CancellationToken.None);
        held.Release();

        // Assert
        Assert.That(later, Is.InstanceOf<UploadResult.Uploaded>(), $"an upload {failure} holds no room once it has ended");
        Assert.That(await other, Is.InstanceOf<UploadResult.Uploaded>());
    }

    [Test]
    public async Task Deleting_removes_the_row_first_then_the_bytes()
    {
        var file = StoredFileOf("alice");
        var order = new List<string>();
        repository.Setup(r => r.DeleteAsync("alice", file.Id, It.IsAny<CancellationToken>())).Callback(() => order.Add("row")).ReturnsAsync(file);
        store.Setup(s => s.DeleteAsync(file.StorageKey, It.IsAny<CancellationToken>())).Callback(() => order.Add("bytes")).Returns(Task.CompletedTask);

        var deleted = await Service().DeleteAsync("alice", file.Id, CancellationToken.None);

        Assert.That(deleted, Is.True);
        Assert.That(order, Is.EqualTo(new[] { "row", "bytes" }), "once the row is gone nobody can reach the bytes");
    }

    [Test]
    public async Task Deleting_someone_elses_file_touches_no_bytes()
    {
        var deleted = await Service().DeleteAsync("bob", Guid.NewGuid(), CancellationToken.None);

        Assert.That(deleted, Is.False);
        store.Verify(s => s.DeleteAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_row_whose_bytes_are_gone_is_not_found()
    {
        var file = StoredFileOf("alice");
        repository.Setup(r => r.FindAsync("alice", file.Id, It.IsAny<CancellationToken>())).ReturnsAsync(file);

        var result = await Service().OpenAsync("alice", file.Id, CancellationToken.None);

        Assert.That(result, Is.InstanceOf<DownloadResult.NotFound>());
    }

    private UploadService Service(Action<UploadOptions>? configure = null)
    {
        var options = new UploadOptions();
        configure?.Invoke(options);
        return new UploadService(store.Object, repository.Object, reservations, Options.Create(options), clock, NullLogger<UploadService>.Instance, new JwtMvcMetrics(null));
    }

    private static StoredFile StoredFileOf(string owner) => new()
    {
        Id = Guid.NewGuid(), OwnerId = owner, FileName = "f.png", StorageKey = new string('a', 32), ContentType = "image/png", Sha256 = new string('0', 64),
    };

#pragma warning disable CS1998 // an async iterator without awaits is the simplest IAsyncEnumerable
    private static async IAsyncEnumerable<IncomingFile> Files(params IncomingFile[] files)
#pragma warning restore CS1998
    {
        foreach (var file in files)
        {
            yield return file;
        }
    }

    private sealed class FakeStagedFile(string key) : IStagedFile
    {
        private readonly MemoryStream content = new();

        public string StorageKey => key;

        public Stream Content => content;

        public bool Committed { get; private set; }

        public bool Disposed { get; private set; }

        public byte[] Written => content.ToArray();

        public Task CommitAsync(CancellationToken cancellationToken)
        {
            Committed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingStream(byte[] content, int failAfter, Action? onFail = null) : MemoryStream(content)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Position >= failAfter)
            {
                onFail?.Invoke();
                cancellationToken.ThrowIfCancellationRequested();
                throw new IOException("connection reset");
            }

            return base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAfter - Position)], cancellationToken);
        }
    }

    /// <summary>How the repository's next <see cref="IStoredFileRepository.AddWithinQuotaAsync"/> ends.</summary>
    private enum NextStore
    {
        Normal,
        Refused,
        Throws,
    }
}
