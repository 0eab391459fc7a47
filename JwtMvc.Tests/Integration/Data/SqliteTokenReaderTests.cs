using System.Security.Cryptography;

using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// The rotation's first read on SQLite, on connections the reader keeps open with the SELECT prepared: it must read
/// what EF reads, and always the last commit.
/// </summary>
[TestFixture]
public sealed class SqliteTokenReaderTests
{
    private DataServices _data = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _data = DataServices.Create();
        await _data.PrepareDatabaseAsync();
    }

    [TearDown]
    public async Task DeleteDatabase() => await _data.DisposeAsync();

    private SqliteTokenReader Reader => _data.Services.GetRequiredService<SqliteTokenReader>();

    [Test]
    public async Task A_token_and_its_session_read_back_as_EF_reads_them_in_every_mapped_property()
    {
        // Arrange: one token as issued (its optional columns empty) and one with every column set.
        var userId = await _data.CreateUserAsync();
        var (_, fresh) = await _data.CreateSessionAsync(userId, userAgent: null);
        var (spentSession, spent) = await _data.CreateSessionAsync(userId);
        _data.Time.Advance(TimeSpan.FromMinutes(5));
        var now = _data.Time.GetUtcNow();
        var seal = RandomNumberGenerator.GetBytes(RefreshToken.SealedReplacementLength);
        await using (var scope = _data.NewScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.RefreshTokens.Where(t => t.Id == spent.Id).ExecuteUpdateAsync(set => set
                .SetProperty(t => t.UsedAt, now)
                .SetProperty(t => t.RevokedAt, now.AddSeconds(1))
                .SetProperty(t => t.ReplacesId, fresh.Id)
                .SetProperty(t => t.ReplacedByHash, new string('a', 64))
                .SetProperty(t => t.SealedReplacement, seal));
            await db.Sessions.Where(s => s.Id == spentSession.Id).ExecuteUpdateAsync(set => set
                .SetProperty(s => s.RevokedAt, now.AddSeconds(2))
                .SetProperty(s => s.RevokedReason, SessionRevocationReasons.Reuse)
                .SetProperty(s => s.LastUsedAt, now));
        }

        // Act
        var readFresh = await Reader.FindTokenWithSessionAsync(fresh.TokenHash, CancellationToken.None);
        var readSpent = await Reader.FindTokenWithSessionAsync(spent.TokenHash, CancellationToken.None);

        // Assert
        await using var check = _data.NewScope();
        var model = check.ServiceProvider.GetRequiredService<AppDbContext>();
        var spentOnFile = await ReadWithEfAsync(model, spent.TokenHash);
        Assert.That(
            model.Model.FindEntityType(typeof(RefreshToken))!.GetProperties().Where(p => p.IsNullable).Select(p => p.PropertyInfo!.GetValue(spentOnFile.Token)),
            Is.All.Not.Null,
            "the second token has every optional column set, so a column read as empty would show");
        AssertSameRow(model.Model, readFresh, await ReadWithEfAsync(model, fresh.TokenHash));
        AssertSameRow(model.Model, readSpent, spentOnFile);
    }

    [Test]
    public async Task An_unknown_hash_reads_as_nothing()
    {
        // Arrange
        var (session, _) = await _data.CreateSessionAsync(await _data.CreateUserAsync());

        // Act
        var found = await Reader.FindTokenWithSessionAsync(Sessions.NewToken(session).TokenHash, CancellationToken.None);

        // Assert
        Assert.That(found, Is.Null);
    }

    [Test]
    public async Task A_token_whose_session_and_user_rows_are_gone_reads_with_neither()
    {
        // Arrange: the foreign keys would delete the token with them; with them off, the token stays behind alone.
        var userId = await _data.CreateUserAsync();
        var (session, token) = await _data.CreateSessionAsync(userId);
        await using (var scope = _data.NewScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF;");
            await db.Sessions.Where(s => s.Id == session.Id).ExecuteDeleteAsync();
            await db.Users.Where(u => u.Id == userId).ExecuteDeleteAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = ON;");
        }

        // Act
        var found = await Reader.FindTokenWithSessionAsync(token.TokenHash, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(found?.Token.Id, Is.EqualTo(token.Id), "the token itself is found");
            Assert.That(found?.Session, Is.Null, "no session");
            Assert.That(found?.UserVersion, Is.Null, "no user stamp");
        });
    }

    [Test]
    public async Task A_read_on_a_kept_connection_sees_a_rotation_committed_after_the_read_before_it()
    {
        // Arrange: the first read leaves its connection in the reader's pool; the rotation commits on the writer's.
        var (session, token) = await _data.CreateSessionAsync(await _data.CreateUserAsync());
        var before = await Reader.FindTokenWithSessionAsync(token.TokenHash, CancellationToken.None);
        var now = _data.Time.GetUtcNow();
        await using (var scope = _data.NewScope())
        {
            var rotated = await scope.ServiceProvider.GetRequiredService<ISessionStore>()
                .TryRotateAsync(token, Sessions.NewToken(session), null, now, CancellationToken.None);
            Assert.That(rotated, Is.True, "the rotation is committed");
        }

        // Act
        var after = await Reader.FindTokenWithSessionAsync(token.TokenHash, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(before!.Token.UsedAt, Is.Null, "unused when first read");
            Assert.That(after!.Token.UsedAt, Is.EqualTo(now), "the next read sees the claim: no connection keeps an old snapshot");
        });
    }

    [Test]
    public async Task Concurrent_reads_each_find_their_own_token()
    {
        // Arrange
        var userId = await _data.CreateUserAsync();
        var tokens = new List<RefreshToken>();
        for (var i = 0; i < 24; i++)
        {
            tokens.Add((await _data.CreateSessionAsync(userId)).Token);
        }

        // Act: more reads at once than the pool keeps connections.
        var found = await Task.WhenAll(tokens.Select(t => Task.Run(() => Reader.FindTokenWithSessionAsync(t.TokenHash, CancellationToken.None))));

        // Assert
        Assert.That(found.Select(f => f?.Token.Id), Is.EqualTo(tokens.Select(t => (Guid?)t.Id)));
    }

    [Test]
    public async Task Inside_a_transaction_the_store_reads_through_its_own_context_and_sees_its_uncommitted_write()
    {
        // Arrange: the reader's own connection could only see committed rows.
        var (_, token) = await _data.CreateSessionAsync(await _data.CreateUserAsync());
        await using var scope = _data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        var now = _data.Time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.RefreshTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now));

        // Act
        var found = await store.FindTokenWithSessionAsync(token.TokenHash, CancellationToken.None);

        // Assert
        Assert.That(found!.Token.RevokedAt, Is.EqualTo(now));
    }

    private static async Task<TokenWithSession> ReadWithEfAsync(AppDbContext db, string tokenHash)
    {
        var token = await db.RefreshTokens.AsNoTracking().SingleAsync(t => t.TokenHash == tokenHash);
        var session = await db.Sessions.AsNoTracking().SingleAsync(s => s.Id == token.SessionId);
        var stamp = await db.Users.Where(u => u.Id == token.UserId).Select(u => u.ConcurrencyStamp).SingleAsync();
        return new TokenWithSession(token, session, stamp);
    }

    private static void AssertSameRow(IModel model, TokenWithSession? actual, TokenWithSession expected)
    {
        Assert.That(actual, Is.Not.Null);
        Assert.That(actual!.Session, Is.Not.Null);
        Assert.Multiple(() =>
        {
            AssertSameProperties(model.FindEntityType(typeof(RefreshToken))!, actual.Token, expected.Token);
            AssertSameProperties(model.FindEntityType(typeof(Session))!, actual.Session!, expected.Session!);
            Assert.That(actual.UserVersion, Is.EqualTo(expected.UserVersion).And.Not.Null, "the user's concurrency stamp");
        });
    }

    private static void AssertSameProperties(IEntityType entity, object actual, object expected)
    {
        foreach (var property in entity.GetProperties())
        {
            Assert.That(property.PropertyInfo!.GetValue(actual), Is.EqualTo(property.PropertyInfo.GetValue(expected)), $"{entity.ClrType.Name}.{property.Name}");
        }
    }
}
