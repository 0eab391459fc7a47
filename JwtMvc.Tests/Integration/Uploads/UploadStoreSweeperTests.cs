using System.Net;
using System.Security.Cryptography;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Uploads;

/// <summary>What interrupted work leaves in the upload folder is removed once it is old; nothing in use is touched.</summary>
public sealed class UploadStoreSweeperTests
{
    [Test]
    public async Task Old_staging_files_and_old_unreferenced_files_are_deleted_while_referenced_and_recent_ones_stay()
    {
        using var factory = new UploadsFactory();
        var alice = await factory.LoginAsync("alice");
        var kept = (await alice.UploadOkAsync(new MultipartBody().File(TestFiles.Png(2000), "kept.png"))).Single();
        var longAgo = DateTime.UtcNow - TimeSpan.FromDays(2);
        foreach (var file in factory.FilesInStore())
        {
            File.SetLastWriteTimeUtc(Path.Combine(factory.UploadsRoot, file), longAgo); // referenced, and old
        }

        var staleStaging = Place(factory, Path.Combine(".staging", NewKey() + ".part"), longAgo);
        var freshStaging = Place(factory, Path.Combine(".staging", NewKey() + ".part"), DateTime.UtcNow);
        var oldOrphanKey = NewKey();
        var oldOrphan = Place(factory, Path.Combine(oldOrphanKey[..2], oldOrphanKey), longAgo);
        var freshOrphanKey = NewKey();
        var freshOrphan = Place(factory, Path.Combine(freshOrphanKey[..2], freshOrphanKey), DateTime.UtcNow);
        var foreign = Place(factory, "README.txt", longAgo);

        await using var scope = factory.Services.CreateAsyncScope();
        var removed = await scope.ServiceProvider.GetRequiredService<UploadStoreSweeper>().SweepAsync(CancellationToken.None);

        Assert.That(removed, Is.EqualTo(2));
        Assert.That(File.Exists(staleStaging), Is.False, "a staging file older than a day belongs to a dead upload");
        Assert.That(File.Exists(oldOrphan), Is.False, "an old file without a row is unreachable");
        Assert.That(File.Exists(freshStaging), Is.True, "a recent staging file may belong to an upload in progress");
        Assert.That(File.Exists(freshOrphan), Is.True, "a recent file without a row may belong to an upload in progress");
        Assert.That(File.Exists(foreign), Is.True, "files the store did not name are not its to delete");
        Assert.That((await alice.GetAsync($"/api/uploads/{kept.Id}/content")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a referenced file stays, however old");
    }

    private static string NewKey() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private static string Place(UploadsFactory factory, string relativePath, DateTime lastWriteUtc)
    {
        var path = Path.Combine(factory.UploadsRoot, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetLastWriteTimeUtc(path, lastWriteUtc);
        return path;
    }
}
