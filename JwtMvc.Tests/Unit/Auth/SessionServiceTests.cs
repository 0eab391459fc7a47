using JwtMvc.Core.Auth;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Auth;

/// <summary>The per-request session check and its short cache.</summary>
public sealed class SessionServiceTests
{
    private TokenServiceBuilder builder = null!;
    private Session session = null!;

    [SetUp]
    public void SetUp()
    {
        builder = new TokenServiceBuilder();
        session = builder.StubActiveSession();
    }

    [Test]
    public async Task An_active_session_is_read_once_then_answered_from_the_cache()
    {
        var sessions = builder.BuildSessions();

        var first = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);
        var second = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        Assert.That(first, Is.True, "the first check reads the active session from the store");
        Assert.That(second, Is.True, "the second check answers active from the cache");
        builder.Store.Verify(s => s.FindSessionAsync(session.Id, It.IsAny<CancellationToken>()), Times.Once, "the second check is a cache hit");
    }

    [Test]
    public async Task A_revocation_elsewhere_is_seen_once_the_cache_entry_is_older_than_SessionCheckSeconds()
    {
        var sessions = builder.BuildSessions();
        await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        session.RevokedAt = builder.Clock.GetUtcNow();
        builder.Clock.Advance(TimeSpan.FromSeconds(29));
        var withinWindow = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);
        builder.Clock.Advance(TimeSpan.FromSeconds(2));
        var afterWindow = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        Assert.That(withinWindow, Is.True, "another instance's revocation may take up to 30 s to be seen");
        Assert.That(afterWindow, Is.False, "after 30 s the store is asked again");
    }

    [Test]
    public async Task A_check_whose_read_was_under_way_during_a_revocation_does_not_cache_the_session_as_active()
    {
        // Arrange: the check's store read answers "active" only after the revocation has committed and evicted.
        var sessions = builder.BuildSessions();
        var active = new Session { Id = session.Id, UserId = session.UserId, CreatedAt = session.CreatedAt, LastUsedAt = session.LastUsedAt, ExpiresAt = session.ExpiresAt };
        var read = new TaskCompletionSource<Session?>(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.Store.SetupSequence(s => s.FindSessionAsync(session.Id, It.IsAny<CancellationToken>()))
            .Returns(read.Task)
            .ReturnsAsync(() => session);
        builder.Store.Setup(s => s.RevokeSessionAsync(session.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Logout, It.IsAny<CancellationToken>()))
            .Callback(() => session.RevokedAt = builder.Clock.GetUtcNow())
            .ReturnsAsync(true);

        // Act
        var check = sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None).AsTask();
        await sessions.RevokeAsync(session.Id, SessionRevocationReasons.Logout);
        read.SetResult(active);
        var during = await check;
        var after = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        // Assert
        Assert.That(during, Is.True, "the check that began before the revocation answers what it read");
        Assert.That(after, Is.False, "the next check must not be answered from that stale read");
    }

    [Test]
    public async Task Revoking_on_this_instance_takes_effect_at_once()
    {
        var sessions = builder.BuildSessions();
        builder.Store.Setup(s => s.RevokeSessionAsync(session.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Logout, It.IsAny<CancellationToken>()))
            .Callback(() => session.RevokedAt = builder.Clock.GetUtcNow())
            .ReturnsAsync(true);
        await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        await sessions.RevokeAsync(session.Id, SessionRevocationReasons.Logout);

        Assert.That(await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None), Is.False, "the revoking instance evicts its cache entry");
    }

    [Test]
    public async Task Revoking_all_of_a_users_sessions_evicts_each_of_them()
    {
        var sessions = builder.BuildSessions();
        builder.Store.Setup(s => s.RevokeUserSessionsAsync("alice-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserLocked, null, It.IsAny<CancellationToken>()))
            .Callback(() => session.RevokedAt = builder.Clock.GetUtcNow())
            .ReturnsAsync([session.Id]);
        await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        var count = await sessions.RevokeAllAsync("alice-id", SessionRevocationReasons.UserLocked);

        Assert.That(count, Is.EqualTo(1));
        Assert.That(await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task A_session_of_another_user_is_not_active_for_the_token_subject_cached_or_not()
    {
        var sessions = builder.BuildSessions();

        var fromStore = await sessions.IsActiveAsync(session.Id, "mallory-id", CancellationToken.None);
        var owner = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);
        var fromCache = await sessions.IsActiveAsync(session.Id, "mallory-id", CancellationToken.None);

        Assert.That(fromStore, Is.False, "a sid naming alice's session is refused for another sub (store read)");
        Assert.That(owner, Is.True, "alice's own token is accepted");
        Assert.That(fromCache, Is.False, "the cached entry remembers the owner and refuses another sub too");
    }

    [Test]
    public async Task An_unknown_or_expired_session_is_not_active()
    {
        var sessions = builder.BuildSessions();
        var unknown = Guid.NewGuid();
        builder.Store.Setup(s => s.FindSessionAsync(unknown, It.IsAny<CancellationToken>())).ReturnsAsync((Session?)null);

        var unknownActive = await sessions.IsActiveAsync(unknown, "alice-id", CancellationToken.None);
        builder.Clock.Advance(TimeSpan.FromDays(14));
        var expiredActive = await sessions.IsActiveAsync(session.Id, session.UserId, CancellationToken.None);

        Assert.That(unknownActive, Is.False, "a session the store does not know is refused");
        Assert.That(expiredActive, Is.False, "a session past its absolute expiry is refused");
    }

    [Test]
    public async Task The_sweep_deletes_sessions_that_ended_more_than_the_retention_ago()
    {
        builder.Options.EndedSessionRetentionDays = 30;
        builder.Store.Setup(s => s.DeleteEndedBeforeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(7);

        var deleted = await builder.BuildSessions().SweepEndedAsync(CancellationToken.None);

        Assert.That(deleted, Is.EqualTo(7));
        builder.Store.Verify(s => s.DeleteEndedBeforeAsync(builder.Clock.GetUtcNow() - TimeSpan.FromDays(30), It.IsAny<CancellationToken>()), Times.Once);
    }
}
