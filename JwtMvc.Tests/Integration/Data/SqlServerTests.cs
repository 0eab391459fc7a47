using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Uploads;
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

    /// <summary>The lock admin changes (the last-admin count) and uploads (the owner's quota) take before counting.</summary>
    [Test]
    public void On_sql_server_a_counting_write_takes_an_exclusive_transaction_lock_or_fails()
    {
        var sql = JwtMvc.Data.Stores.WriteTransactions.SqlServerExclusiveLock;

        Assert.That(sql, Does.Contain("sp_getapplock @Resource = {0}"), "an application lock, named by a parameter, serialises the change on every instance");
        Assert.That(sql, Does.Contain("@LockMode = N'Exclusive'"));
        Assert.That(sql, Does.Contain("@LockOwner = N'Transaction'"), "held until the change commits or rolls back");
        Assert.That(sql, Does.Contain("IF @result < 0 THROW"), "a lock not granted fails the change instead of running it unlocked");
    }

    [Test]
    public async Task Concurrent_rotations_on_a_live_sql_server_have_exactly_one_winner()
    {
        await using var live = await LiveDatabaseAsync();
        var data = live.Services;
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

    /// <summary>
    /// A rotation and a revocation of one family, released together, many times: neither is chosen as a deadlock victim
    /// (both lock the session row before the tokens), and the revocation always leaves the whole family revoked.
    /// </summary>
    [Test]
    public async Task Rotations_racing_revocations_on_a_live_sql_server_never_deadlock_and_the_revocation_always_holds()
    {
        await using var live = await LiveDatabaseAsync();
        var data = live.Services;
        var userId = await data.CreateUserAsync();
        for (var round = 0; round < 50; round++)
        {
            // Arrange: a family already rotated once, so a rotation also forgets its predecessor's seal.
            var (session, first) = await data.CreateSessionAsync(userId);
            var now = data.Time.GetUtcNow();
            var second = Sessions.NewToken(session);
            await using (var scope = data.NewScope())
            {
                Assert.That(await scope.ServiceProvider.GetRequiredService<ISessionStore>().TryRotateAsync(first, second, new byte[RefreshToken.SealedReplacementLength], now, CancellationToken.None), Is.True);
            }

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task<T> Racing<T>(Func<ISessionStore, Task<T>> write)
            {
                await using var scope = data.NewScope();
                var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
                await start.Task;
                return await write(store);
            }

            // Act
            var rotation = Task.Run(() => Racing(store => store.TryRotateAsync(second, Sessions.NewToken(session), null, now, CancellationToken.None)));
            var revocation = Task.Run(() => Racing(store => store.RevokeSessionAsync(session.Id, now, SessionRevocationReasons.PasswordChanged, CancellationToken.None)));
            start.SetResult();
            await Task.WhenAll(rotation, revocation);

            // Assert
            await using var check = data.NewScope();
            var db = check.ServiceProvider.GetRequiredService<AppDbContext>();
            Assert.That(await revocation, Is.True, $"round {round}: the revocation ended the session");
            Assert.That(await db.RefreshTokens.CountAsync(t => t.SessionId == session.Id && t.RevokedAt == null), Is.Zero, $"round {round}: no token of the family stays usable");
        }
    }

    [Test]
    public async Task Concurrent_uploads_of_one_user_on_a_live_sql_server_never_pass_the_quota()
    {
        await using var live = await LiveDatabaseAsync();
        var data = live.Services;
        var ownerId = await data.CreateUserAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act: eight uploads of 3,000 bytes against a 10,000-byte quota, released together.
        var additions = Enumerable.Range(0, 8)
            .Select(_ => Task.Run(async () =>
            {
                await using var scope = data.NewScope();
                var repository = scope.ServiceProvider.GetRequiredService<IStoredFileRepository>();
                await start.Task;
                return await repository.AddWithinQuotaAsync(ownerId, [StoredFiles.Of(ownerId, 3000)], new StorageQuota(10_000, 1000), CancellationToken.None);
            }))
            .ToArray();
        start.SetResult();
        var stored = await Task.WhenAll(additions);

        // Assert
        await using var check = data.NewScope();
        Assert.That(stored.Count(s => s), Is.EqualTo(3), "three of 3,000 bytes fit in 10,000");
        Assert.That(await check.ServiceProvider.GetRequiredService<IStoredFileRepository>().UsageAsync(ownerId, CancellationToken.None), Is.EqualTo(new StorageUsage(9000, 3)));
    }

    [Test]
    public async Task Challenges_of_one_user_created_at_once_on_a_live_sql_server_never_pass_the_pending_limit()
    {
        await using var live = await LiveDatabaseAsync();
        var data = live.Services;
        var userId = await data.CreateUserAsync();
        var now = data.Time.GetUtcNow();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act: twelve passkey-creation challenges of one user, released together, each through its own context.
        var creations = Enumerable.Range(0, 12)
            .Select(i => Task.Run(async () =>
            {
                await using var scope = data.NewScope();
                var store = scope.ServiceProvider.GetRequiredService<IAuthChallengeStore>();
                await start.Task;
                await store.CreateAsync(
                    new AuthChallenge
                    {
                        Id = Guid.NewGuid(),
                        HandleHash = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                        Kind = AuthChallengeKinds.PasskeyCreation,
                        UserId = userId,
                        CreatedAt = now.AddMilliseconds(i),
                        ExpiresAt = now.AddMinutes(5),
                    },
                    CancellationToken.None);
            }))
            .ToArray();
        start.SetResult();
        await Task.WhenAll(creations);

        // Assert
        await using var check = data.NewScope();
        var db = check.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.That(await db.AuthChallenges.CountAsync(c => c.UserId == userId && c.UsedAt == null), Is.EqualTo(AuthChallengeRules.MaxPendingPerUser));
    }

    /// <summary>A throw-away database on the server that JWTMVC_TEST_SQLSERVER names, migrated; dropped on dispose.</summary>
    private static async Task<LiveDatabase> LiveDatabaseAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Ignore("Set JWTMVC_TEST_SQLSERVER to a SQL Server connection string to run this test.");
        }

        var database = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = "JwtMvcTests_" + Guid.NewGuid().ToString("N") };
        var data = new LiveDatabase(DataServices.Create(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:Default"] = database.ConnectionString,
        }));
        try
        {
            await data.Services.PrepareDatabaseAsync();
            return data;
        }
        catch
        {
            await data.DisposeAsync();
            throw;
        }
    }

    private sealed class LiveDatabase(DataServices services) : IAsyncDisposable
    {
        public DataServices Services { get; } = services;

        public async ValueTask DisposeAsync()
        {
            await using (var cleanup = Services.NewScope())
            {
                await cleanup.ServiceProvider.GetRequiredService<AppDbContext>().Database.EnsureDeletedAsync();
            }

            await Services.DisposeAsync();
        }
    }
}
