using JwtMvc.Data;
using JwtMvc.Data.Providers;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// The app's SQLite connections leave checkpoints to <see cref="SqliteCheckpointer"/>, which copies the write-ahead
/// log into the database file in the background.
/// </summary>
[TestFixture]
public sealed class SqliteCheckpointerTests
{
    private DataServices _data = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        _data = DataServices.Create();
        await _data.PrepareDatabaseAsync();
    }

    [TearDown]
    public async Task DeleteDatabaseAsync() => await _data.DisposeAsync();

    [Test]
    public async Task The_apps_connections_checkpoint_by_themselves_only_past_the_fallback_threshold()
    {
        // Act
        var (autocheckpoint, synchronous) = await WithContextAsync(async db =>
            (await ScalarAsync(db, "PRAGMA wal_autocheckpoint;"), await ScalarAsync(db, "PRAGMA synchronous;")));

        // Assert
        Assert.That(autocheckpoint, Is.EqualTo(SqliteConnectionSettings.FallbackCheckpointPages));
        Assert.That(synchronous, Is.EqualTo(1), "NORMAL");
    }

    [Test]
    public async Task Writes_reach_the_database_file_when_the_checkpointer_runs()
    {
        // Arrange: about 400 pages of writes, well under the fallback threshold, so they stay in the log.
        await WithContextAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE Filler (Data BLOB NOT NULL);");
            for (var i = 0; i < 400; i++)
            {
                await db.Database.ExecuteSqlRawAsync("INSERT INTO Filler (Data) VALUES (randomblob(3000));");
            }

            return 0;
        });
        var before = FileLength();
        var checkpointer = _data.Services.GetServices<IHostedService>().OfType<SqliteCheckpointer>().Single();

        // Act
        await checkpointer.StartAsync(CancellationToken.None);
        try
        {
            // The service creates its timer on a thread of its own, so the clock moves on until the timer has ticked.
            await ClusterFixture.EventuallyAsync(
                () =>
                {
                    _data.Time.Advance(SqliteCheckpointer.Interval);
                    return Task.FromResult(FileLength() > before + (400 * 3000));
                },
                TimeSpan.FromSeconds(10));
        }
        finally
        {
            await checkpointer.StopAsync(CancellationToken.None);
        }

        // Assert
        Assert.That(FileLength(), Is.GreaterThan(before + (400 * 3000)));
        Assert.That(before, Is.LessThan(400 * 3000), "the writes were still only in the log before the checkpointer ran");
    }

    private async Task<T> WithContextAsync<T>(Func<AppDbContext, Task<T>> action)
    {
        await using var scope = _data.NewScope();
        return await action(scope.ServiceProvider.GetRequiredService<AppDbContext>());
    }

    private static async Task<long> ScalarAsync(AppDbContext db, string sql)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private long FileLength() => new FileInfo(_data.DatabasePath).Length;
}
