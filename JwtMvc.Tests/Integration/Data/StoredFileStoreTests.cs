using System.Data.Common;
using JwtMvc.Core.Uploads;
using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class StoredFileStoreTests : SharedDatabaseFixture
{
    [Test]
    public async Task Of_two_concurrent_uploads_that_each_fit_but_not_together_exactly_one_is_stored()
    {
        // Arrange: two instances on one database, each about to store 6,000 bytes for one owner with a 10,000-byte quota.
        await using var otherInstance = DataServices.SharingDatabaseWith(Data);
        var ownerId = await Data.CreateUserAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act
        var additions = new[] { Data, otherInstance, Data, otherInstance }
            .Select(instance => Task.Run(async () =>
            {
                await using var scope = instance.NewScope();
                var repository = scope.ServiceProvider.GetRequiredService<IStoredFileRepository>();
                await start.Task;
                return await repository.AddWithinQuotaAsync(ownerId, [StoredFiles.Of(ownerId, 6000)], new StorageQuota(10_000, 1000), CancellationToken.None);
            }))
            .ToArray();
        start.SetResult();
        var stored = await Task.WhenAll(additions);

        // Assert
        await using var check = Data.NewScope();
        var usage = await check.ServiceProvider.GetRequiredService<IStoredFileRepository>().UsageAsync(ownerId, CancellationToken.None);
        Assert.That(stored.Count(s => s), Is.EqualTo(1), "only one fits");
        Assert.That(usage, Is.EqualTo(new StorageUsage(6000, 1)));
    }

    /// <summary>
    /// Across processes only SQLite's own lock orders writers: the usage must be read under it (the transaction
    /// begins IMMEDIATE), not before. A writer outside this process holds the lock with 6,000 bytes of the owner's
    /// uncommitted; it commits once the store is about to begin its transaction.
    /// </summary>
    [Test]
    public async Task The_usage_is_read_under_the_databases_write_lock()
    {
        // Arrange
        var ownerId = await Data.CreateUserAsync();
        await using var holderScope = Data.NewScope();
        var holder = holderScope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var held = await holder.Database.BeginTransactionAsync();
        holder.StoredFiles.Add(StoredFiles.Of(ownerId, 6000));
        await holder.SaveChangesAsync();
        var beginning = new TransactionBeginning();
        await using var context = await Data.ContextWithAsync(beginning);

        // Act
        var adding = Task.Run(() => new StoredFileStore(context).AddWithinQuotaAsync(ownerId, [StoredFiles.Of(ownerId, 6000)], new StorageQuota(10_000, 1000), CancellationToken.None));
        await beginning.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await held.CommitAsync();
        var stored = await adding;

        // Assert
        Assert.That(stored, Is.False, "the other writer's 6,000 bytes were counted");
        await using var check = Data.NewScope();
        Assert.That(await check.ServiceProvider.GetRequiredService<IStoredFileRepository>().UsageAsync(ownerId, CancellationToken.None), Is.EqualTo(new StorageUsage(6000, 1)));
    }

    [Test]
    public async Task Files_of_another_owner_are_refused_whole()
    {
        var ownerId = await Data.CreateUserAsync();
        await using var scope = Data.NewScope();
        var repository = scope.ServiceProvider.GetRequiredService<IStoredFileRepository>();

        Assert.That(
            async () => await repository.AddWithinQuotaAsync(ownerId, [StoredFiles.Of(ownerId, 10), StoredFiles.Of("someone-else", 10)], new StorageQuota(10_000, 1000), CancellationToken.None),
            Throws.ArgumentException);
        Assert.That(await repository.UsageAsync(ownerId, CancellationToken.None), Is.EqualTo(new StorageUsage(0, 0)));
    }

    [Test]
    public async Task Files_past_the_owners_number_of_files_are_refused_whole()
    {
        var ownerId = await Data.CreateUserAsync();
        await using var scope = Data.NewScope();
        var repository = scope.ServiceProvider.GetRequiredService<IStoredFileRepository>();
        var quota = new StorageQuota(1_000_000, 2);

        var first = await repository.AddWithinQuotaAsync(ownerId, [StoredFiles.Of(ownerId, 10)], quota, CancellationToken.None);
        var twoMore = await repository.AddWithinQuotaAsync(ownerId, [StoredFiles.Of(ownerId, 10), StoredFiles.Of(ownerId, 10)], quota, CancellationToken.None);

        Assert.That((first, twoMore), Is.EqualTo((true, false)));
        Assert.That(await repository.UsageAsync(ownerId, CancellationToken.None), Is.EqualTo(new StorageUsage(10, 1)), "none of the two is stored");
    }

    /// <summary>Signals when the context is about to begin a transaction.</summary>
    private sealed class TransactionBeginning : DbTransactionInterceptor
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            return base.TransactionStartingAsync(connection, eventData, result, cancellationToken);
        }
    }
}
