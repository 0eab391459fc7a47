using System.Buffers;
using System.Security.Cryptography;
using JwtMvc.Core.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Uploads;

/// <summary>
/// Receives, lists, serves and deletes a user's files. An upload request is all or nothing: each file is
/// streamed to a staging name while it is hashed, measured and typed by its leading bytes; only when every file
/// of the request has arrived and passed are they committed and their rows stored together. A refusal, an
/// error or a client going away deletes everything the request wrote. Each byte is reserved in
/// <see cref="UploadReservations"/> before it is staged, so a user's uploads in flight here cannot together stage more
/// than their quota leaves.
/// </summary>
public sealed partial class UploadService(
    IFileStore store,
    IStoredFileRepository repository,
    UploadReservations reservations,
    IOptions<UploadOptions> options,
    TimeProvider clock,
    ILogger<UploadService> logger,
    JwtMvcMetrics metrics)
{
    private const int CopyBufferBytes = 81920;

    private const string OctetStream = "application/octet-stream";

    public async Task<UploadResult> UploadAsync(string ownerId, IAsyncEnumerable<IncomingFile> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ownerId);
        ArgumentNullException.ThrowIfNull(files);
        var policy = options.Value;

        // The quota is checked as the bytes arrive, against the stored bytes and every reservation of the user's uploads
        // here, and again, atomically, when the rows are stored (an upload on another instance may finish meanwhile).
        // Opened before the usage is read, so what uploads here store meanwhile is counted; disposed after the finally
        // below, so the bytes are released only once the staged files are gone.
        using var reservation = reservations.Open(ownerId);
        var usage = await repository.UsageAsync(ownerId, cancellationToken);
        var received = new List<Received>();
        var committed = new List<string>();
        var kept = false;
        try
        {
            await foreach (var file in files.WithCancellation(cancellationToken))
            {
                if (received.Count == policy.MaxFilesPerRequest)
                {
                    return new UploadResult.TooManyFiles(policy.MaxFilesPerRequest);
                }

                if (usage.Files + received.Count >= policy.MaxFilesPerUser)
                {
                    return new UploadResult.QuotaExceeded(FileNames.Sanitize(file.FileName), policy.Quota);
                }

                var outcome = await ReceiveAsync(ownerId, file, policy, Reserve, cancellationToken);
                if (outcome.Refusal is { } refusal)
                {
                    return refusal;
                }

                received.Add(outcome);
            }

            if (received.Count == 0)
            {
                return new UploadResult.NoFiles();
            }

            foreach (var file in received)
            {
                await file.Staged!.CommitAsync(cancellationToken);
                committed.Add(file.Metadata!.StorageKey);
            }

            var stored = received.Select(r => r.Metadata!).ToList();
            if (!await repository.AddWithinQuotaAsync(ownerId, stored, policy.Quota, cancellationToken))
            {
                return new UploadResult.QuotaExceeded(stored[^1].FileName, policy.Quota);
            }

            kept = true;
            reservation.Stored();
            metrics.Uploaded(stored.Sum(f => f.Size));
            Log.Uploaded(logger, stored.Count, ownerId);
            return new UploadResult.Uploaded(stored);
        }
        finally
        {
            await ReleaseAsync(received, kept ? [] : committed);
        }

        bool Reserve(long bytes) => reservation.TryReserve(bytes, usage.Bytes, policy.MaxBytesPerUser);
    }

    public Task<IReadOnlyList<StoredFile>> ListAsync(string ownerId, CancellationToken cancellationToken) =>
        repository.ListByOwnerAsync(ownerId, cancellationToken);

    public async Task<DownloadResult> OpenAsync(string ownerId, Guid id, CancellationToken cancellationToken)
    {
        var file = await repository.FindAsync(ownerId, id, cancellationToken);
        if (file is null)
        {
            return new DownloadResult.NotFound();
        }

        var content = await store.OpenReadAsync(file.StorageKey, cancellationToken);
        if (content is null)
        {
            Log.BytesMissing(logger, file.Id);
            return new DownloadResult.NotFound();
        }

        return new DownloadResult.Found(file, content);
    }

    /// <summary>Deletes the owner's file; false when there is no such file of theirs.</summary>
    public async Task<bool> DeleteAsync(string ownerId, Guid id, CancellationToken cancellationToken)
    {
        // The row goes first: once it is gone nobody can reach the bytes, so a failure below leaves only an orphan.
        var file = await repository.DeleteAsync(ownerId, id, cancellationToken);
        if (file is null)
        {
            return false;
        }

        await store.DeleteAsync(file.StorageKey, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Streams one file to a staging name; refuses it once it passes <see cref="UploadOptions.MaxFileBytes"/> or
    /// <paramref name="reserve"/> refuses the next bytes (they would pass the user's quota).
    /// </summary>
    private async Task<Received> ReceiveAsync(string ownerId, IncomingFile file, UploadOptions policy, Func<long, bool> reserve, CancellationToken cancellationToken)
    {
        var fileName = FileNames.Sanitize(file.FileName);
        var header = new byte[FileSignatures.HeaderLength];
        var headerLength = await file.Content.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        if (headerLength == 0)
        {
            return Received.Refused(new UploadResult.EmptyFile(fileName));
        }

        var type = FileSignatures.Detect(header.AsSpan(0, headerLength));
        if (Check(type, fileName, file.ClaimedContentType, policy) is { } reason)
        {
            return Received.Refused(new UploadResult.UnsupportedType(fileName, reason));
        }

        fileName = NameFor(fileName, type!);

        // Null when the file, at size bytes so far, is within the file limit and the arrived bytes are reserved.
        UploadResult? Refusal(long size, int arrived)
        {
            // The file limit first: it is the one the user can do nothing about.
            if (size > policy.MaxFileBytes)
            {
                return new UploadResult.TooLarge(fileName, policy.MaxFileBytes);
            }

            return reserve(arrived) ? null : new UploadResult.QuotaExceeded(fileName, policy.Quota);
        }

        if (Refusal(headerLength, headerLength) is { } headerRefusal)
        {
            return Received.Refused(headerRefusal);
        }

        var staged = await store.CreateAsync(cancellationToken);
        var keep = false;
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferBytes);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(header, 0, headerLength);
            await staged.Content.WriteAsync(header.AsMemory(0, headerLength), cancellationToken);
            long size = headerLength;
            int read;
            while ((read = await file.Content.ReadAsync(buffer.AsMemory(0, CopyBufferBytes), cancellationToken)) > 0)
            {
                size += read;
                if (Refusal(size, read) is { } refusal)
                {
                    return Received.Refused(refusal);
                }

                hash.AppendData(buffer, 0, read);
                await staged.Content.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            keep = true;
            return new Received(staged, new StoredFile
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                OwnerId = ownerId,
                FileName = fileName,
                StorageKey = staged.StorageKey,
                Size = size,
                ContentType = type!.ContentType,
                Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()),
                UploadedAt = clock.GetUtcNow(),
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!keep)
            {
                await staged.DisposeAsync();
            }
        }
    }

    /// <summary>Why the file is refused, or null when its bytes are an allowed type its name and claim agree with.</summary>
    private static string? Check(FileType? type, string fileName, string? claimedContentType, UploadOptions policy)
    {
        var allowed = policy.AllowedFileTypes;
        var allowedNames = string.Join(", ", allowed.Select(t => t.Name));
        if (type is null)
        {
            return $"The content of '{fileName}' is not a type this site accepts ({allowedNames}).";
        }

        if (!allowed.Contains(type))
        {
            return $"'{fileName}' is a {type.Name} file; this site accepts {allowedNames}.";
        }

        var extension = FileNames.ExtensionOf(fileName);
        if (FileSignatures.FindByExtension(extension) is { } named && named != type)
        {
            return $"'{fileName}' is named as {named.Name} but its content is {type.Name}.";
        }

        if (!string.IsNullOrWhiteSpace(claimedContentType)
            && !claimedContentType.StartsWith(OctetStream, StringComparison.OrdinalIgnoreCase)
            && !type.IsNamedBy(claimedContentType))
        {
            return $"'{fileName}' was sent as {claimedContentType.Split(';', 2)[0].Trim()} but its content is {type.Name}.";
        }

        return null;
    }

    /// <summary>
    /// A name whose extension says what the bytes are, so a saved download opens as what it is: an extension
    /// JwtMvc does not know (".txt", ".html", none) is kept and the type's usual extension appended.
    /// </summary>
    private static string NameFor(string fileName, FileType type) =>
        type.HasExtension(FileNames.ExtensionOf(fileName)) ? fileName : FileNames.WithExtension(fileName, type.Extensions[0]);

    /// <summary>Disposes the staged files (deleting those not committed) and deletes the committed ones in <paramref name="discard"/>.</summary>
    private async Task ReleaseAsync(List<Received> received, List<string> discard)
    {
        // Not the request's token: a client that went away must not stop the clean-up.
        foreach (var file in received)
        {
            await file.Staged!.DisposeAsync();
        }

        foreach (var key in discard)
        {
            try
            {
                await store.DeleteAsync(key, CancellationToken.None);
            }
            catch (IOException exception)
            {
                Log.DiscardFailed(logger, key, exception);
            }
        }
    }

    private sealed record Received(IStagedFile? Staged, StoredFile? Metadata, UploadResult? Refusal = null)
    {
        public static Received Refused(UploadResult refusal) => new(null, null, refusal);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Stored {Count} uploaded file(s) for user {UserId}")]
        public static partial void Uploaded(ILogger logger, int count, string userId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The bytes of stored file {FileId} are missing")]
        public static partial void BytesMissing(ILogger logger, Guid fileId);

        [LoggerMessage(Level = LogLevel.Error, Message = "Could not delete uploaded file {StorageKey} of a failed upload")]
        public static partial void DiscardFailed(ILogger logger, string storageKey, Exception exception);
    }
}
