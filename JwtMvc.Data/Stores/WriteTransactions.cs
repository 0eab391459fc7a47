using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Write transactions: on SQLite the one writer across instances (IMMEDIATE), on SQL Server serialised across instances
/// only when a lock name is given.
/// </summary>
internal static class WriteTransactions
{
    /// <summary>
    /// SQL Server: an exclusive application lock (named by the one parameter) owned by the transaction, so changes that
    /// count before they write run one at a time on every instance. A lock not granted fails the change.
    /// </summary>
    internal const string SqlServerExclusiveLock = """
        DECLARE @result int;
        EXEC @result = sp_getapplock @Resource = {0}, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 30000;
        IF @result < 0 THROW 51000, N'Timed out waiting for an application lock.', 1;
        """;

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction, under the provider's execution strategy and, on SQLite, this
    /// process's write gate (the transaction begins IMMEDIATE: the one writer). On SQL Server it first takes
    /// <see cref="SqlServerExclusiveLock"/> on <paramref name="sqlServerLock"/> when one is named. It commits when the
    /// work returns (and <paramref name="commitIf"/>, when given, is true of its result); otherwise, or on an exception,
    /// everything rolls back.
    /// </summary>
    public static Task<T> InWriteTransactionAsync<T>(
        this AppDbContext db,
        Func<CancellationToken, Task<T>> work,
        CancellationToken cancellationToken,
        Func<T, bool>? commitIf = null,
        string? sqlServerLock = null) =>
        db.Database.CreateExecutionStrategy().ExecuteAsync(
            async ct =>
            {
                using var gate = await SqliteWriteGate.EnterAsync(db, ct);
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (sqlServerLock is not null && db.Database.IsSqlServer())
                {
                    await db.Database.ExecuteSqlRawAsync(SqlServerExclusiveLock, [sqlServerLock], ct);
                }

                var result = await work(ct);
                if (commitIf?.Invoke(result) ?? true)
                {
                    await transaction.CommitAsync(ct);
                }

                return result; // disposing an uncommitted transaction rolls it back
            },
            cancellationToken);

    /// <summary>As the other overload, for work with no result: it commits when the work returns.</summary>
    public static Task InWriteTransactionAsync(
        this AppDbContext db,
        Func<CancellationToken, Task> work,
        CancellationToken cancellationToken,
        string? sqlServerLock = null) =>
        db.InWriteTransactionAsync(
            async ct =>
            {
                await work(ct);
                return true;
            },
            cancellationToken,
            sqlServerLock: sqlServerLock);
}
