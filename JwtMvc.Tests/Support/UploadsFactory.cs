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
            return staged;
        }

        public Task<Stream?> OpenReadAsync(string storageKey, CancellationToken cancellationToken) => inner.OpenReadAsync(storageKey, cancellationToken);

        public Task DeleteAsync(string storageKey, CancellationToken cancellationToken) => inner.DeleteAsync(storageKey, cancellationToken);
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

    /// <summary>The body limit the last upload request ran with.</summary>
    public long? LastMaxRequestBodySize { get; private set; }

    public void Reset()
    {
        staged = New();
        finished = New();
    }

    internal void FileStaged() => staged.TrySetResult();

    internal void RequestFinished(long? maxRequestBodySize)
    {
        LastMaxRequestBodySize = maxRequestBodySize;
        finished.TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
