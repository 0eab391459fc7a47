using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Data.Providers;
using JwtMvc.Tests.Support;

using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class SqlServerTests
{
    private const string ConnectionVariable = "JWTMVC_TEST_SQLSERVER";

    [Test]
    public async Task The_sql_server_migrations_create_every_table_without_a_server()
    {
        // Arrange
        await using var data = DataServices.CreateWithoutSqlServer();
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        // Act
        var script = db.GetService<IMigrator>().GenerateScript();

        // Assert
        Assert.That(db, Is.InstanceOf<SqlServerAppDbContext>(), "Database:Provider=SqlServer selects the SQL Server context");
        Assert.Multiple(() =>
        {
            foreach (var table in new[] { "AspNetUsers", "AspNetRoles", "AspNetUserRoles", "Sessions", "RefreshTokens", "DataProtectionKeys" })
            {
                Assert.That(script, Does.Contain($"CREATE TABLE [{table}]"), $"the script creates {table}");
            }

            Assert.That(script, Does.Contain("[ExpiresAt] datetimeoffset NOT NULL"), "SQL Server keeps datetimeoffset");
            Assert.That(script, Does.Contain("CREATE UNIQUE INDEX [IX_RefreshTokens_TokenHash]"));
            Assert.That(script, Does.Contain("ON DELETE CASCADE"));
        });
    }

    [Test]
    public void On_sql_server_an_admin_change_takes_an_exclusive_transaction_lock_before_counting_the_admins()
    {
        var sql = JwtMvc.Data.Stores.UserAdministration.SqlServerAdminChangeLock;

        Assert.That(sql, Does.Contain("sp_getapplock"), "an application lock serialises admin changes on every instance");
        Assert.That(sql, Does.Contain("@LockMode = N'Exclusive'"));
        Assert.That(sql, Does.Contain("@LockOwner = N'Transaction'"), "held until the change commits or rolls back");
        Assert.That(sql, Does.Contain("IF @result < 0 THROW"), "a lock not granted fails the change instead of running it unlocked");
    }

    [Test]
    public async Task Concurrent_rotations_on_a_live_sql_server_have_exactly_one_winner()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Ignore("Set JWTMVC_TEST_SQLSERVER to a SQL Server connection string to run this test.");
        }

        // Arrange: a throw-away database on that server.
        var database = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = "JwtMvcTests_" + Guid.NewGuid().ToString("N") };
        await using var data = DataServices.Create(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:Default"] = database.ConnectionString,
        });
        try
        {
            await data.PrepareDatabaseAsync();
            var userId = await data.CreateUserAsync();
            var (session, token) = await data.CreateSessionAsync(userId);
            var now = data.Time.GetUtcNow();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Act
            var rotations = Enumerable.Range(0, 16)
                .Select(_ => Task.Run(async () =>
                {
                    await using var scope = data.NewScope();
                    var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
                    await start.Task;
                    return await store.TryRotateAsync(token, Sessions.NewToken(session), null, now, CancellationToken.None);
                }))
                .ToArray();
            start.SetResult();
            var results = await Task.WhenAll(rotations);

            // Assert
            await using var check = data.NewScope();
            var db = check.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.That(results.Count(won => won), Is.EqualTo(1), "exactly one concurrent rotation may win");
            Assert.That(await db.RefreshTokens.CountAsync(t => t.SessionId == session.Id), Is.EqualTo(2));
            Assert.That(
                (await check.ServiceProvider.GetRequiredService<ISessionStore>().ListActiveSessionsAsync(userId, now, CancellationToken.None)).Select(s => s.Id),
                Is.EqualTo(new[] { session.Id }));
        }
        finally
        {
            await using var cleanup = data.NewScope();
            await cleanup.ServiceProvider.GetRequiredService<AppDbContext>().Database.EnsureDeletedAsync();
        }
    }
}
