using JwtMvc.Core.Uploads;

namespace JwtMvc.Tests.Support;

/// <summary>Builders for <see cref="StoredFile"/> rows.</summary>
internal static class StoredFiles
{
    /// <summary>A PNG's row of <paramref name="size"/> bytes for <paramref name="ownerId"/>, under a random key.</summary>
    public static StoredFile Of(string ownerId, long size = 10) => new()
    {
        Id = Guid.CreateVersion7(),
        OwnerId = ownerId,
        FileName = "f.png",
        StorageKey = Guid.NewGuid().ToString("N"),
        Size = size,
        ContentType = "image/png",
        Sha256 = new string('0', 64),
        UploadedAt = DateTimeOffset.UnixEpoch,
    };
}
