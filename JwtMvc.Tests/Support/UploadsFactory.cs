using System.Collections.Concurrent;
using JwtMvc.Core.Uploads;
using JwtMvc.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Support;

/// <summary>
/// <see cref="JwtMvcFactory"/> with a view into uploads: the files in the store folder, the metadata rows, and
/// a <see cref="UploadProbe"/> that tells when an upload request has finished on the server (after the client
/// has given up on it) and what body limit the endpoint set.
/// </summary>
public sealed class UploadsFactory(IReadOnlyDictionary<string, string?>? settings = null) : JwtMvcFactory(settings)
{
    public UploadProbe Probe { get; } = new();

    public string UploadsRoot => Path.Combine(WorkDirectory, "uploads");

    /// <summary>Every file under the store folder, staging included, relative to it.</summary>
    public IReadOnlyList<string> FilesInStore() =>
        Directory.Exists(UploadsRoot)
            ? Directory.GetFiles(UploadsRoot, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(UploadsRoot, f)).Order().ToList()
            : [];

    public async Task<int> CountRowsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().StoredFiles.CountAsync();
    }

    /// <summary>The store's files and row count, to compare before and after a request that must keep nothing.</summary>
    public async Task<string> DescribeStoreAsync() => $"rows: {await CountRowsAsync()}; files: [{string.Join(", ", FilesInStore())}]";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter>(new ProbeStartupFilter(Probe));
            var real = services.Single(d => d.ServiceType == typeof(IFileStore));
            services.Remove(real);
            services.AddSingleton<IFileStore>(provider =>
                new ObservedFileStore((IFileStore)real.ImplementationFactory!(provider), Probe));
        });
    }

    private sealed class ProbeStartupFilter(UploadProbe probe) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (!context.Request.Path.StartsWithSegments("/api/uploads"))
                {
                    await nextMiddleware(context);
                    return;
                }

                // Records the limit the endpoint sets; forwards it to the server's own feature when there is one (Kestrel).
                var limit = new RecordingBodySizeFeature(context.Features.Get<IHttpMaxRequestBodySizeFeature>());
                context.Features.Set<IHttpMaxRequestBodySizeFeature>(limit);
                try
                {
                    await nextMiddleware(context);
                }
                finally
                {
                    probe.RequestFinished(limit.MaxRequestBodySize);
                }
            });
            next(app);
        };
    }

    private sealed class RecordingBodySizeFeature(IHttpMaxRequestBodySizeFeature? server) : IHttpMaxRequestBodySizeFeature
    {
        private long? recorded;

        public bool IsReadOnly => server?.IsReadOnly ?? false;

        public long? MaxRequestBodySize
        {
            get => server is null ? recorded : server.MaxRequestBodySize;
            set
            {
                recorded = value;
                if (server is not null)
                {
                    server.MaxRequestBodySize = value;
                }
            }
        }
    }

    private sealed class ObservedFileStore(IFileStore inner, UploadProbe probe) : IFileStore
    {
        public async Task<IStagedFile> CreateAsync(CancellationToken cancellationToken)
        {
            var staged = await inner.CreateAsync(cancellationToken);
            probe.FileStaged();
            return new ObservedStagedFile(staged, probe);
        }

        public Task<Stream?> OpenReadAsync(string storageKey, CancellationToken cancellationToken) => inner.OpenReadAsync(storageKey, cancellationToken);

        public async Task DeleteAsync(string storageKey, CancellationToken cancellationToken)
        {
            await inner.DeleteAsync(storageKey, cancellationToken);
            probe.Deleted(storageKey);
        }
    }

    private sealed class ObservedStagedFile(IStagedFile inner, UploadProbe probe) : IStagedFile
    {
        private bool committed;

        public string StorageKey => inner.StorageKey;

        public Stream Content { get; } = new CountingStream(inner.Content, count => probe.Written(inner.StorageKey, count));

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await inner.CommitAsync(cancellationToken);
            committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            if (!committed)
            {
                probe.Deleted(StorageKey);
            }
        }
    }

    /// <summary>Passes writes on to the staged file's stream and tells how many bytes went.</summary>
    private sealed class CountingStream(Stream inner, Action<long> written) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            written(buffer.Length);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            written(count);
        }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>Signals from the server side of upload requests. Call <see cref="Reset"/> before the request you watch.</summary>
public sealed class UploadProbe
{
    private TaskCompletionSource staged = New();
    private TaskCompletionSource finished = New();

    /// <summary>A file of the watched request exists in the store's staging area.</summary>
    public Task Staged => staged.Task;

    /// <summary>The watched request has completed on the server, clean-up included.</summary>
    public Task Finished => finished.Task;

    private readonly ConcurrentDictionary<string, long> sizes = new();
    private long bytesInStore;
    private long peakBytesInStore;

    /// <summary>The body limit the last upload request ran with.</summary>
    public long? LastMaxRequestBodySize { get; private set; }

    /// <summary>Bytes written to the store, staged or committed, and not deleted since.</summary>
    public long BytesInStore => Interlocked.Read(ref bytesInStore);

    /// <summary>The most <see cref="BytesInStore"/> has been since the last <see cref="Reset"/>.</summary>
    public long PeakBytesInStore => Interlocked.Read(ref peakBytesInStore);

    public void Reset()
    {
        staged = New();
        finished = New();
        Interlocked.Exchange(ref peakBytesInStore, BytesInStore);
    }

    /// <summary>Waits until at least <paramref name="bytes"/> are in the store.</summary>
    public async Task WaitForBytesInStoreAsync(long bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (BytesInStore < bytes)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    internal void FileStaged() => staged.TrySetResult();

    internal void Written(string storageKey, long count)
    {
        sizes.AddOrUpdate(storageKey, count, (_, size) => size + count);
        var now = Interlocked.Add(ref bytesInStore, count);
        var peak = PeakBytesInStore;
        while (now > peak)
        {
            var seen = Interlocked.CompareExchange(ref peakBytesInStore, now, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    internal void Deleted(string storageKey)
    {
        if (sizes.TryRemove(storageKey, out var size))
        {
            Interlocked.Add(ref bytesInStore, -size);
        }
    }

    internal void RequestFinished(long? maxRequestBodySize)
    {
        LastMaxRequestBodySize = maxRequestBodySize;
        finished.TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
