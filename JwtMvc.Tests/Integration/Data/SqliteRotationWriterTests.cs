using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// Group commit of rotations on SQLite. The tests hold this process's write gate while they queue rotations, so the
/// writer has to put them into shared transactions: however it groups them, the rotation that cannot be stored shares
/// a group with at least one that can.
/// </summary>
[TestFixture]
public sealed class SqliteRotationWriterTests
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

    [Test]
    public async Task A_rotation_that_cannot_be_stored_fails_alone_and_the_rotations_queued_with_it_are_stored()
    {
        // Arrange: three sessions; the second rotation's replacement reuses a stored token's hash (a unique column).
        var userId = await _data.CreateUserAsync();
        var (first, firstToken) = await _data.CreateSessionAsync(userId);
        var (second, secondToken) = await _data.CreateSessionAsync(userId);
        var (third, thirdToken) = await _data.CreateSessionAsync(userId);
        var duplicate = Sessions.NewToken(second, tokenHash: firstToken.TokenHash);
        var now = _data.Time.GetUtcNow();

        // Act
        Task<bool> a, b, c;
        await using (var holder = _data.NewScope())
        using (await SqliteWriteGate.EnterAsync(holder.ServiceProvider.GetRequiredService<AppDbContext>(), CancellationToken.None))
        {
            a = RotateAsync(firstToken, Sessions.NewToken(first), now);
            b = RotateAsync(secondToken, duplicate, now);
            c = RotateAsync(thirdToken, Sessions.NewToken(third), now);
        }

        // Assert
        Assert.That(await a, Is.True);
        Assert.That(await c, Is.True);
        Assert.That(async () => await b, Throws.InstanceOf<SqliteException>().With.Message.Contains("UNIQUE"));
        var tokens = await TokensAsync();
        Assert.Multiple(() =>
        {
            Assert.That(tokens.Count(t => t.SessionId == first.Id), Is.EqualTo(2), "the first rotation is stored");
            Assert.That(tokens.Count(t => t.SessionId == third.Id), Is.EqualTo(2), "the third rotation is stored");
            Assert.That(tokens.Single(t => t.Id == secondToken.Id).UsedAt, Is.Null, "the failed rotation's claim is rolled back");
            Assert.That(tokens.Count(t => t.SessionId == second.Id), Is.EqualTo(1), "nothing of the failed rotation is stored");
        });
    }

    [Test]
    public async Task Two_rotations_of_one_token_queued_together_have_exactly_one_winner_the_first()
    {
        // Arrange
        var userId = await _data.CreateUserAsync();
        var (session, token) = await _data.CreateSessionAsync(userId);
        var winner = Sessions.NewToken(session);
        var now = _data.Time.GetUtcNow();

        // Act
        Task<bool> first, second;
        await using (var holder = _data.NewScope())
        using (await SqliteWriteGate.EnterAsync(holder.ServiceProvider.GetRequiredService<AppDbContext>(), CancellationToken.None))
        {
            first = RotateAsync(token, winner, now);
            second = RotateAsync(token, Sessions.NewToken(session), now);
        }

        // Assert
        Assert.That(await first, Is.True, "the rotation queued first claims the token");
        Assert.That(await second, Is.False, "the second finds it used, in the same transaction or the next");
        var tokens = await TokensAsync();
        Assert.Multiple(() =>
        {
            Assert.That(tokens.Where(t => t.SessionId == session.Id).Select(t => t.Id), Is.EquivalentTo(new[] { token.Id, winner.Id }));
            Assert.That(tokens.Single(t => t.Id == token.Id).ReplacedByHash, Is.EqualTo(winner.TokenHash));
        });
    }

    [Test]
    public async Task A_rotation_whose_request_is_cancelled_before_its_group_starts_is_not_written()
    {
        // Arrange
        var userId = await _data.CreateUserAsync();
        var (session, token) = await _data.CreateSessionAsync(userId);
        var (other, otherToken) = await _data.CreateSessionAsync(userId);
        var now = _data.Time.GetUtcNow();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        // Act
        Task<bool> written, cancelled;
        await using (var holder = _data.NewScope())
        using (await SqliteWriteGate.EnterAsync(holder.ServiceProvider.GetRequiredService<AppDbContext>(), CancellationToken.None))
        {
            written = RotateAsync(otherToken, Sessions.NewToken(other), now);
            cancelled = RotateAsync(token, Sessions.NewToken(session), now, cancellation.Token);
        }

        // Assert
        Assert.That(await written, Is.True);
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        var tokens = await TokensAsync();
        Assert.Multiple(() =>
        {
            Assert.That(tokens.Single(t => t.Id == token.Id).UsedAt, Is.Null, "the cancelled rotation claimed nothing");
            Assert.That(tokens.Count(t => t.SessionId == session.Id), Is.EqualTo(1), "and stored nothing");
        });
    }

    private Task<bool> RotateAsync(RefreshToken used, RefreshToken replacement, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        _data.Services.GetRequiredService<SqliteRotationWriter>()
            .RotateAsync(used.Id, replacement, null, now, cancellationToken);

    private async Task<List<RefreshToken>> TokensAsync()
    {
        await using var scope = _data.NewScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().RefreshTokens.AsNoTracking().ToListAsync();
    }
}
