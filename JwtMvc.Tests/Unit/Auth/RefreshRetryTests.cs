using System.Collections.Concurrent;
using JwtMvc.Core.Auth;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Auth;

/// <summary>
/// The single-successor retry (Jwt:RefreshRetrySeconds, default 30): a rotated token presented again within the
/// window, while its successor is unused, gets that same successor; anything else is reuse.
/// </summary>
public sealed class RefreshRetryTests
{
    private static readonly ClientInfo Client = new("127.0.0.1", "tests");
    private readonly ConcurrentDictionary<string, RefreshToken> tokens = new(StringComparer.Ordinal);
    private TokenServiceBuilder builder = null!;
    private Session session = null!;

    [SetUp]
    public void SetUp()
    {
        builder = new TokenServiceBuilder();
        tokens.Clear();
        builder.Store.Setup(s => s.CreateAsync(It.IsAny<Session>(), It.IsAny<RefreshToken>(), It.IsAny<CancellationToken>()))
            .Callback<Session, RefreshToken, CancellationToken>((s, t, _) => (session, tokens[t.TokenHash]) = (s, t))
            .ReturnsAsync(true);
        builder.Store.Setup(s => s.FindTokenByHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string hash, CancellationToken _) => tokens.TryGetValue(hash, out var t) ? Copy(t) : null);
        builder.Store.Setup(s => s.FindSessionAsync(It.IsAny<Guid>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid id, CancellationToken _) => session.Id == id ? session : null);
        builder.Store.Setup(s => s.FindTokenWithSessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string hash, CancellationToken _) => tokens.TryGetValue(hash, out var t) ? new TokenWithSession(Copy(t), session.Id == t.SessionId ? session : null, "alice-v1") : null);
        builder.Store.Setup(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((RefreshToken used, RefreshToken replacement, byte[]? seal, DateTimeOffset now, CancellationToken _) => Rotate(used, replacement, seal, now));
        builder.Store.Setup(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((Guid id, DateTimeOffset now, string reason, CancellationToken _) => Revoke(now, reason));
        builder.Users.Setup(u => u.FindByIdAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(TokenServiceBuilder.Alice);
        builder.Users.Setup(u => u.FindCurrentAsync(TokenServiceBuilder.Alice.Id, "alice-v1", It.IsAny<CancellationToken>())).ReturnsAsync(TokenServiceBuilder.Alice);
    }

    [Test]
    public async Task A_rotated_token_presented_again_just_inside_the_window_gets_the_same_successor()
    {
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        var first = Succeeded(await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None));
        builder.Clock.Advance(TimeSpan.FromSeconds(29.9));

        var retry = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);

        var again = Succeeded(retry);
        Assert.Multiple(() =>
        {
            Assert.That(again.RefreshToken, Is.EqualTo(first.RefreshToken), "a retry within the window gets the same successor");
            Assert.That(again.AccessToken.Token, Is.Not.EqualTo(first.AccessToken.Token), "and a new access token");
            Assert.That(again.RefreshTokenExpiresAt, Is.EqualTo(session.ExpiresAt), "the session's absolute expiry is kept");
            Assert.That(tokens, Has.Count.EqualTo(2), "still one chain: the login's token and its one successor");
            Assert.That(session.RevokedAt, Is.Null, "no reuse was detected");
        });
    }

    [Test]
    public async Task A_rotated_token_presented_again_just_after_the_window_is_reuse_and_revokes_the_family()
    {
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        var first = Succeeded(await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None));
        builder.Clock.Advance(TimeSpan.FromSeconds(30.1));

        var retry = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);
        var successor = await service.RefreshAsync(first.RefreshToken, Client, CancellationToken.None);

        Assert.That(retry, Is.EqualTo(RefreshOutcome.Reused), "after the window the old token is reuse");
        Assert.That(session.RevokedReason, Is.EqualTo(SessionRevocationReasons.Reuse));
        Assert.That(successor, Is.EqualTo(RefreshOutcome.Invalid), "the successor dies with its family");
    }

    [Test]
    public async Task Once_the_successor_is_used_the_rotated_token_is_reuse_and_revokes_the_family()
    {
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        var first = Succeeded(await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None));
        var second = Succeeded(await service.RefreshAsync(first.RefreshToken, Client, CancellationToken.None));
        builder.Clock.Advance(TimeSpan.FromSeconds(1));

        var replay = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);
        var newest = await service.RefreshAsync(second.RefreshToken, Client, CancellationToken.None);

        Assert.That(replay, Is.EqualTo(RefreshOutcome.Reused), "inside the window, but the successor was used");
        Assert.That(session.RevokedReason, Is.EqualTo(SessionRevocationReasons.Reuse));
        Assert.That(newest, Is.EqualTo(RefreshOutcome.Invalid), "the newest token dies with its family");
    }

    [Test]
    public async Task Losing_a_concurrent_rotation_within_the_window_gets_the_winners_successor()
    {
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        IssuedTokens? winner = null;
        var raced = false;
        builder.Store.Setup(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(async (RefreshToken used, RefreshToken replacement, byte[]? seal, DateTimeOffset now, CancellationToken ct) =>
            {
                if (!raced)
                {
                    // Another request presents the same token and rotates it first, between this one's read and its claim.
                    raced = true;
                    winner = Succeeded(await service.RefreshAsync(login.RefreshToken, Client, ct));
                }

                return Rotate(used, replacement, seal, now);
            });

        var loser = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);

        Assert.That(Succeeded(loser).RefreshToken, Is.EqualTo(winner!.RefreshToken), "both get the one successor");
        Assert.That(tokens, Has.Count.EqualTo(2), "one successor row");
        Assert.That(session.RevokedAt, Is.Null);
    }

    [Test]
    public async Task A_retry_with_a_token_of_a_revoked_session_is_refused()
    {
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        Succeeded(await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None));
        Revoke(builder.Clock.GetUtcNow(), SessionRevocationReasons.Logout);

        var retry = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);

        Assert.That(retry, Is.EqualTo(RefreshOutcome.Invalid), "a revoked session is never retried into life");
        Assert.That(session.RevokedReason, Is.EqualTo(SessionRevocationReasons.Logout), "the revocation stands as it was");
    }

    [Test]
    public async Task A_retry_never_outlives_the_session()
    {
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        builder.Clock.Advance(TimeSpan.FromDays(14) - TimeSpan.FromSeconds(10));
        Succeeded(await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None));
        builder.Clock.Advance(TimeSpan.FromSeconds(10));

        var retry = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);

        Assert.That(retry, Is.EqualTo(RefreshOutcome.Invalid), "inside the retry window but past the session's absolute expiry");
    }

    [Test]
    public async Task An_unknown_refresh_token_is_refused_and_nothing_changes()
    {
        var service = builder.Build();
        await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        var before = tokens.Values.Select(Copy).ToList();

        var outcome = await service.RefreshAsync(new string('A', 43), Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
        builder.Store.Verify(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
        builder.Store.Verify(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(tokens.Values.Select(t => (t.TokenHash, t.UsedAt, t.RevokedAt)), Is.EquivalentTo(before.Select(t => (t.TokenHash, t.UsedAt, t.RevokedAt))));
    }

    [Test]
    public async Task With_a_zero_window_a_rotated_token_is_reuse_at_once()
    {
        builder.Options.RefreshRetrySeconds = 0;
        var service = builder.Build();
        var login = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        Succeeded(await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None));

        var retry = await service.RefreshAsync(login.RefreshToken, Client, CancellationToken.None);

        Assert.That(retry, Is.EqualTo(RefreshOutcome.Reused), "Jwt:RefreshRetrySeconds=0 is strict single use");
        Assert.That(tokens.Values.All(t => t.SealedReplacement is null), Is.True, "without a window no successor is sealed");
    }

    private static IssuedTokens Succeeded(RefreshOutcome outcome)
    {
        Assert.That(outcome, Is.TypeOf<RefreshOutcome.Success>(), "the refresh should succeed");
        return ((RefreshOutcome.Success)outcome).Tokens;
    }

    // What the real store does, on this test's dictionary: the conditional claim, then the new row.
    private bool Rotate(RefreshToken used, RefreshToken replacement, byte[]? seal, DateTimeOffset now)
    {
        lock (tokens)
        {
            var stored = tokens[used.TokenHash];
            if (stored.UsedAt is not null || stored.RevokedAt is not null)
            {
                return false;
            }

            stored.UsedAt = now;
            stored.ReplacedByHash = replacement.TokenHash;
            stored.SealedReplacement = seal;
            tokens[replacement.TokenHash] = replacement;
            return true;
        }
    }

    private bool Revoke(DateTimeOffset now, string reason)
    {
        lock (tokens)
        {
            foreach (var token in tokens.Values)
            {
                token.RevokedAt ??= now;
                token.SealedReplacement = null;
            }

            if (session.RevokedAt is not null)
            {
                return false;
            }

            session.RevokedAt = now;
            session.RevokedReason = reason;
            return true;
        }
    }

    private static RefreshToken Copy(RefreshToken t) => new()
    {
        Id = t.Id,
        TokenHash = t.TokenHash,
        SessionId = t.SessionId,
        UserId = t.UserId,
        CreatedAt = t.CreatedAt,
        ExpiresAt = t.ExpiresAt,
        UsedAt = t.UsedAt,
        RevokedAt = t.RevokedAt,
        ReplacedByHash = t.ReplacedByHash,
        SealedReplacement = t.SealedReplacement,
        IpAddress = t.IpAddress,
        UserAgent = t.UserAgent,
    };
}
