using System.Security.Cryptography;
using System.Text.RegularExpressions;
using JwtMvc.Core.Uploads;

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Uploaded bytes in a folder (<c>Uploads:Root</c>). Keys are 128 random bits in hex, chosen here; a path is
/// built only from a key that matches that shape, so nothing a client sends ever reaches a path. Files are
/// written under <c>.staging/</c> and moved into a two-character fan-out folder when committed.
/// </summary>
internal sealed partial class LocalFolderFileStore : IFileStore
{
    private const string StagingFolder = ".staging";

    private readonly string root;
    private readonly string staging;

    public LocalFolderFileStore(IOptions<UploadOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        root = options.Value.ResolveRoot(environment.ContentRootPath);
        staging = Path.Combine(root, StagingFolder);
    }

    public Task<IStagedFile> CreateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(staging);
        var key = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var stagingPath = Path.Combine(staging, key + ".part");
        var stream = new FileStream(stagingPath, WriteOptions());
        return Task.FromResult<IStagedFile>(new StagedFile(key, stagingPath, PathOf(key), stream));
    }

    public Task<Stream?> OpenReadAsync(string storageKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Stream stream = new FileStream(PathOf(storageKey), new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string storageKey, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(storageKey));
        return Task.CompletedTask;
    }

    /// <summary>Deletes staging files last written before <paramref name="cutoff"/> (left by a process that died mid-upload).</summary>
    public int DeleteStagingOlderThan(DateTimeOffset cutoff)
    {
        if (!Directory.Exists(staging))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var file in new DirectoryInfo(staging).EnumerateFiles("*.part"))
        {
            if (file.LastWriteTimeUtc < cutoff.UtcDateTime)
            {
                file.Delete();
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Keys of committed files last written before <paramref name="cutoff"/>.</summary>
    public IReadOnlyList<string> ListCommittedOlderThan(DateTimeOffset cutoff)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        return new DirectoryInfo(root)
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => KeyShape().IsMatch(f.Name)
                && string.Equals(f.Directory?.Name, f.Name[..2], StringComparison.Ordinal)
                && string.Equals(f.Directory?.Parent?.FullName.TrimEnd(Path.DirectorySeparatorChar), root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal)
                && f.LastWriteTimeUtc < cutoff.UtcDateTime)
            .Select(f => f.Name)
            .ToList();
    }

    private string PathOf(string storageKey)
    {
        if (!KeyShape().IsMatch(storageKey))
        {
            throw new ArgumentException("Not a storage key of this store.", nameof(storageKey));
        }

        return Path.Combine(root, storageKey[..2], storageKey);
    }

    private static FileStreamOptions WriteOptions()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0, // the caller writes in large chunks; a second buffer would only copy them again
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();

    private sealed class StagedFile(string key, string stagingPath, string finalPath, FileStream stream) : IStagedFile
    {
        private bool committed;

        public string StorageKey => key;

        public Stream Content => stream;

        public async Task CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync();
            Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
            File.Move(stagingPath, finalPath, overwrite: false);
            committed = true;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!committed)
            {
                File.Delete(stagingPath);
            }
        }
    }
}
