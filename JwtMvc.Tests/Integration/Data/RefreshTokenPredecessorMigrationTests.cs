using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// The RefreshTokenPredecessor migration: every token stored before it learns the token it replaced (what a rotation
/// now uses to forget its predecessor's sealed copy), and the index on ReplacedByHash goes.
/// </summary>
public sealed class RefreshTokenPredecessorMigrationTests
{
    private const string MigrationSuffix = "_RefreshTokenPredecessor";

    [Test]
    public async Task Tokens_rotated_before_the_migration_name_their_predecessors_after_it()
    {
        // Arrange: a database one migration back, holding a rotated chain first -> second -> third and a session of its own.
        await using var data = DataServices.Create();
        Directory.CreateDirectory(Path.GetDirectoryName(data.DatabasePath)!);
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var index = migrations.FindIndex(m => m.EndsWith(MigrationSuffix, StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[index - 1]);

        var (first, second, third, alone) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (session, otherSession) = (Guid.NewGuid(), Guid.NewGuid());
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF;"); // the rows need no user or session for this
        foreach (var (id, sessionId, hash, replacedBy) in new[]
        {
            (first, session, Hash('1'), Hash('2')),
            (second, session, Hash('2'), Hash('3')),
            (third, session, Hash('3'), null),
            (alone, otherSession, Hash('4'), null),
        })
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO RefreshTokens (Id, TokenHash, SessionId, UserId, CreatedAt, ExpiresAt, ReplacedByHash)
                VALUES ({Text(id)}, {hash}, {Text(sessionId)}, 'user', 0, 1, {replacedBy})
                """);
        }

        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = ON;");
        await db.Database.CloseConnectionAsync();

        // Act
        await migrator.MigrateAsync();

        // Assert
        var predecessors = await db.RefreshTokens.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.ReplacesId);
        var indexes = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM pragma_index_list('RefreshTokens')").ToListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(
                predecessors,
                Is.EquivalentTo(new Dictionary<Guid, Guid?> { [first] = null, [second] = first, [third] = second, [alone] = null }));
            Assert.That(indexes, Does.Not.Contain("IX_RefreshTokens_ReplacedByHash"), "the rotation no longer needs it");
            Assert.That(indexes, Does.Contain("IX_RefreshTokens_TokenHash"), "the lookup index stays");
        });
    }

    [Test]
    public async Task On_sql_server_the_predecessors_are_filled_in_before_the_index_they_are_found_through_is_dropped()
    {
        await using var data = DataServices.CreateWithoutSqlServer();
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var migrations = db.Database.GetMigrations().ToList();
        var index = migrations.FindIndex(m => m.EndsWith(MigrationSuffix, StringComparison.Ordinal));

        var script = db.GetService<IMigrator>().GenerateScript(migrations[index - 1], migrations[index]);

        var add = script.IndexOf("ALTER TABLE [RefreshTokens] ADD [ReplacesId] uniqueidentifier NULL", StringComparison.Ordinal);
        var fill = script.IndexOf("UPDATE [t] SET [t].[ReplacesId] = [p].[Id]", StringComparison.Ordinal);
        var drop = script.IndexOf("DROP INDEX [IX_RefreshTokens_ReplacedByHash] ON [RefreshTokens]", StringComparison.Ordinal);
        Assert.That(add, Is.GreaterThanOrEqualTo(0), "the column is added");
        Assert.That(fill, Is.GreaterThan(add), "then filled in");
        Assert.That(drop, Is.GreaterThan(fill), "then the index goes");
    }

    private static string Hash(char digit) => new(digit, 64);

    private static string Text(Guid id) => id.ToString().ToUpperInvariant(); // how EF stores a Guid on SQLite
}
