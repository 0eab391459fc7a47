using System.Text.Json;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Cluster;
using JwtMvc.Core.Security;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Auth;

public sealed class TokenServiceTests
{
    private const string StoredUserVersion = "alice-v1";
    private static readonly ClientInfo Client = new("127.0.0.1", "tests");
    private TokenServiceBuilder builder = null!;
    private Session? storedSession;
    private RefreshToken? storedToken;

    [SetUp]
    public void SetUp()
    {
        builder = new TokenServiceBuilder();
        builder.Store.Setup(s => s.CreateAsync(It.IsAny<Session>(), It.IsAny<RefreshToken>(), It.IsAny<CancellationToken>()))
            .Callback<Session, RefreshToken, CancellationToken>((s, t, _) => (storedSession, storedToken) = (s, t))
            .ReturnsAsync(true);
    }

    [Test]
    public async Task A_session_stored_after_the_user_changed_is_revoked_at_once_and_no_token_is_issued()
    {
        // Arrange: between the credential check (stamp STAMP) and the stored session, a new password renewed the stamp.
        var sequence = new MockSequence();
        builder.Store.InSequence(sequence).Setup(s => s.CreateAsync(It.IsAny<Session>(), It.IsAny<RefreshToken>(), It.IsAny<CancellationToken>()))
            .Callback<Session, RefreshToken, CancellationToken>((s, t, _) => (storedSession, storedToken) = (s, t))
            .ReturnsAsync(true);
        builder.Users.InSequence(sequence).Setup(u => u.FindStampHashAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync("RENEWED");
        builder.Store.InSequence(sequence).Setup(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserChanged, It.IsAny<CancellationToken>()))
            .ReturnsAsync(true);

        // Act
        var start = await builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, AuthenticationMethods.Password, TokenServiceBuilder.StampHash, Client, CancellationToken.None);

        // Assert: read after the session was stored, and that session revoked.
        Assert.That(start.Tokens, Is.Null);
        Assert.That(start.Refusal, Is.EqualTo(SignInFailures.UserChanged));
        builder.Store.Verify(s => s.RevokeSessionAsync(storedSession!.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserChanged, It.IsAny<CancellationToken>()), Times.Once);
        builder.Store.Verify(s => s.RevokeSessionsBeyondAsync(
            It.IsAny<string>(), It.IsAny<int>(), It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_session_a_concurrent_sign_in_revoked_at_the_session_limit_issues_no_token()
    {
        // Arrange: another sign-in of alice's kept the limit of one first, and revoked this one's new session.
        builder.Options.MaxSessionsPerUser = 1;
        builder.Store.Setup(s => s.RevokeSessionsBeyondAsync(
                TokenServiceBuilder.Alice.Id, 1, It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SessionLimitResult([], KeptSessionActive: false));

        // Act
        var start = await builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, AuthenticationMethods.Password, TokenServiceBuilder.StampHash, Client, CancellationToken.None);

        // Assert
        Assert.That(start.Tokens, Is.Null, "the tokens of a revoked session would be refused at once");
        Assert.That(start.Refusal, Is.EqualTo(SignInFailures.SessionLimitRace));
        builder.Store.Verify(s => s.RevokeSessionsBeyondAsync(
            TokenServiceBuilder.Alice.Id, 1, storedSession!.Id, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_session_revoked_by_a_change_to_the_user_while_the_limit_was_kept_is_refused_as_user_changed()
    {
        // Arrange: the stamp still matched after the session was stored; then a change renewed it and revoked the session.
        builder.Users.SetupSequence(u => u.FindStampHashAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(TokenServiceBuilder.StampHash)
            .ReturnsAsync("RENEWED");
        builder.Store.Setup(s => s.RevokeSessionsBeyondAsync(
                It.IsAny<string>(), It.IsAny<int>(), It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new SessionLimitResult([], KeptSessionActive: false));

        // Act
        var start = await builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, AuthenticationMethods.Password, TokenServiceBuilder.StampHash, Client, CancellationToken.None);

        // Assert
        Assert.That(start.Tokens, Is.Null);
        Assert.That(start.Refusal, Is.EqualTo(SignInFailures.UserChanged), "not a session-limit race: the user changed");
    }

    [Test]
    public void A_session_whose_sign_in_fails_after_it_was_stored_is_revoked_and_the_failure_surfaces()
    {
        // Arrange: keeping the session limit fails (the database went away) after the session was stored.
        var failure = new InvalidOperationException("database gone");
        builder.Store.Setup(s => s.RevokeSessionsBeyondAsync(
                It.IsAny<string>(), It.IsAny<int>(), It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(failure);
        builder.Store.Setup(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), SessionRevocationReasons.SignInFailed, CancellationToken.None))
            .ReturnsAsync(true);

        // Act
        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() =>
            builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, AuthenticationMethods.Password, TokenServiceBuilder.StampHash, Client, CancellationToken.None));

        // Assert: nobody will hold its tokens, so it must not count toward the limit or be listed as the user's.
        Assert.That(thrown, Is.SameAs(failure));
        builder.Store.Verify(s => s.RevokeSessionAsync(storedSession!.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.SignInFailed, CancellationToken.None), Times.Once);
    }

    [Test]
    public void When_revoking_a_failed_sign_ins_session_fails_too_the_first_failure_surfaces()
    {
        // Arrange
        var failure = new InvalidOperationException("database gone");
        builder.Users.Setup(u => u.FindStampHashAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>())).ThrowsAsync(failure);
        builder.Store.Setup(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), SessionRevocationReasons.SignInFailed, CancellationToken.None))
            .ThrowsAsync(new TimeoutException("still gone"));

        // Act
        var thrown = Assert.ThrowsAsync<InvalidOperationException>(() =>
            builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, AuthenticationMethods.Password, TokenServiceBuilder.StampHash, Client, CancellationToken.None));

        // Assert
        Assert.That(thrown, Is.SameAs(failure), "the cause, not the failed clean-up");
        builder.Store.Verify(s => s.RevokeSessionAsync(storedSession!.Id, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.SignInFailed, CancellationToken.None), Times.Once);
    }

    [Test]
    public async Task Starting_a_session_stores_only_the_hash_of_a_256_bit_refresh_token()
    {
        var issued = await builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(issued.RefreshToken, Has.Length.EqualTo(43), "32 random bytes in base64url");
            Assert.That(storedToken!.TokenHash, Is.EqualTo(TokenService.Hash(issued.RefreshToken)));
            Assert.That(JsonSerializer.Serialize(storedToken), Does.Not.Contain(issued.RefreshToken), "no field of the stored token holds the token itself");
            Assert.That(JsonSerializer.Serialize(storedSession), Does.Not.Contain(issued.RefreshToken), "no field of the stored session holds the token itself");
            Assert.That(storedToken.SessionId, Is.EqualTo(issued.SessionId));
            Assert.That(storedSession!.ExpiresAt, Is.EqualTo(builder.Clock.GetUtcNow().AddDays(14)), "14 days from the login");
            Assert.That(storedSession.IpAddress, Is.EqualTo("127.0.0.1"));
        });
    }

    [Test]
    public async Task Starting_a_session_ends_the_users_sessions_beyond_the_limit_here_and_on_the_other_instances()
    {
        // Arrange: an old session this instance has checked (so holds as active), and a limit the store will enforce.
        builder.Options.MaxSessionsPerUser = 5;
        var old = builder.StubActiveSession();
        var sessions = builder.BuildSessions();
        Assert.That(await sessions.IsActiveAsync(old.Id, TokenServiceBuilder.Alice.Id, CancellationToken.None), Is.True);
        var now = builder.Clock.GetUtcNow();
        builder.Store.Setup(s => s.RevokeSessionsBeyondAsync(
                TokenServiceBuilder.Alice.Id, 5, It.IsAny<Guid>(), now, It.IsAny<CancellationToken>()))
            .Callback(() => old.RevokedAt = now)
            .ReturnsAsync(new SessionLimitResult([old.Id], KeptSessionActive: true));

        // Act
        var issued = await builder.Build(sessions).StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);

        // Assert
        builder.Store.Verify(s => s.RevokeSessionsBeyondAsync(
            TokenServiceBuilder.Alice.Id, 5, issued.SessionId, now, It.IsAny<CancellationToken>()), Times.Once, "the new session is the one always kept");
        Assert.That(await sessions.IsActiveAsync(old.Id, TokenServiceBuilder.Alice.Id, CancellationToken.None), Is.False, "evicted here at once");
        builder.Invalidation.Verify(i => i.Publish(It.Is<CacheInvalidation>(m =>
            m.Kind == CacheInvalidationKind.SessionsRevoked && m.Ids.SequenceEqual(new[] { old.Id.ToString() }))), Times.Once);
    }

    [Test]
    public async Task Refreshing_rotates_the_token_and_keeps_the_family_expiry_absolute()
    {
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        RefreshToken? replacement = null;
        ArrangeStoredFamily();
        builder.Store.Setup(s => s.TryRotateAsync(It.Is<RefreshToken>(t => t.Id == storedToken!.Id), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback<RefreshToken, RefreshToken, byte[]?, DateTimeOffset, CancellationToken>((_, r, _, _, _) => replacement = r)
            .ReturnsAsync(true);
        builder.Clock.Advance(TimeSpan.FromDays(3));

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        var tokens = ((RefreshOutcome.Success)outcome).Tokens;
        Assert.Multiple(() =>
        {
            Assert.That(tokens.RefreshToken, Is.Not.EqualTo(issued.RefreshToken), "every use rotates the token");
            Assert.That(replacement!.TokenHash, Is.EqualTo(TokenService.Hash(tokens.RefreshToken)));
            Assert.That(replacement.SessionId, Is.EqualTo(issued.SessionId), "the new token stays in the family");
            Assert.That(replacement.ExpiresAt, Is.EqualTo(storedSession!.ExpiresAt), "rotation never extends the family's life");
            Assert.That(tokens.SessionId, Is.EqualTo(issued.SessionId));

            // A version 7 GUID starts with the Unix time in milliseconds (48 bits): ids sort by creation time, so on
            // SQLite a new row appends to the key index.
            Assert.That(replacement.Id.Version, Is.EqualTo(7), "the new token's id is time-ordered");
            Assert.That(Convert.ToInt64(replacement.Id.ToString("N")[..12], 16), Is.EqualTo(builder.Clock.GetUtcNow().ToUnixTimeMilliseconds()), "from the clock");
        });
    }

    [Test]
    public async Task Refreshing_rebuilds_the_access_token_claims_from_the_current_user_record()
    {
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily(currentUser: TokenServiceBuilder.Alice with { UserName = "alice2", Roles = ["Admin"] });
        builder.Store.Setup(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        var (_, payload) = JwtForge.Decode(((RefreshOutcome.Success)outcome).Tokens.AccessToken.Token);
        Assert.That((string?)payload["name"], Is.EqualTo("alice2"));
        Assert.That(payload["role"]!.ToJsonString(), Does.Contain("Admin").And.Not.Contain("User"), "roles come from the user record now");
    }

    [Test]
    public async Task Reuse_revokes_the_family_though_the_client_went_away_and_the_event_cannot_be_recorded()
    {
        // Arrange: the client goes away once the reuse is found, and the security-event log is failing.
        builder.Options.RefreshRetrySeconds = 0;
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        storedToken!.UsedAt = builder.Clock.GetUtcNow();
        ArrangeStoredFamily();
        using var clientGone = new CancellationTokenSource();
        builder.Store.Setup(s => s.FindTokenWithSessionAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Callback(clientGone.Cancel)
            .ReturnsAsync(() => new TokenWithSession(storedToken!, storedSession, StoredUserVersion));
        builder.Store.Setup(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Reuse, It.Is<CancellationToken>(t => !t.IsCancellationRequested)))
            .ReturnsAsync(true);
        builder.Events.Setup(e => e.RecordAsync(SecurityEventTypes.RefreshReuse, It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("event log down"));

        // Act
        Assert.ThrowsAsync<InvalidOperationException>(() => service.RefreshAsync(issued.RefreshToken, Client, clientGone.Token));

        // Assert: revoked first, with a token the gone client cannot cancel.
        builder.Store.Verify(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Reuse, It.Is<CancellationToken>(t => !t.IsCancellationRequested)), Times.Once);
    }

    [Test]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family()
    {
        builder.Options.RefreshRetrySeconds = 0;
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        storedToken!.UsedAt = builder.Clock.GetUtcNow();
        ArrangeStoredFamily();
        builder.Store.Setup(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Reuse, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Reused));
        builder.Store.Verify(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Reuse, It.IsAny<CancellationToken>()), Times.Once,
            "the family, and so its newest token, must be revoked");
        builder.Store.Verify(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Without_a_retry_window_losing_a_concurrent_rotation_counts_as_reuse()
    {
        builder.Options.RefreshRetrySeconds = 0;
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        var now = builder.Clock.GetUtcNow();
        builder.Store.Setup(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback(() => storedToken!.UsedAt = now) // the winner's rotation, committed first
            .ReturnsAsync(false);
        builder.Store.Setup(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Reuse, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Reused), "the store saw the token already used: no grace window");
    }

    [TestCase(0)]
    [TestCase(30)]
    public async Task A_rotation_that_loses_to_a_revocation_is_refused_and_not_counted_as_reuse(int retrySeconds)
    {
        // Arrange: the session is revoked (logout, an admin) between the rotation's read and its claim.
        builder.Options.RefreshRetrySeconds = retrySeconds;
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        var readBeforeTheRevocation = JsonSerializer.Deserialize<RefreshToken>(JsonSerializer.Serialize(storedToken))!;
        builder.Store.Setup(s => s.FindTokenWithSessionAsync(storedToken!.TokenHash, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TokenWithSession(readBeforeTheRevocation, storedSession, StoredUserVersion));
        var now = builder.Clock.GetUtcNow();
        builder.Store.Setup(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback(() => storedToken!.RevokedAt = now)
            .ReturnsAsync(false);

        // Act
        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        // Assert
        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
        builder.Store.Verify(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), SessionRevocationReasons.Reuse, It.IsAny<CancellationToken>()), Times.Never);
        builder.Events.Verify(e => e.RecordAsync(SecurityEventTypes.RefreshReuse, It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_refresh_token_past_the_family_expiry_is_refused()
    {
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        builder.Clock.Advance(TimeSpan.FromDays(14));

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
    }

    [Test]
    public async Task A_refresh_token_of_a_revoked_session_is_refused()
    {
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        storedSession!.RevokedAt = builder.Clock.GetUtcNow();

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
    }

    [Test]
    public async Task A_refresh_for_a_deleted_user_is_refused_and_ends_the_session()
    {
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily(userExists: false);
        builder.Store.Setup(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserGone, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
        builder.Store.Verify(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserGone, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_refresh_of_a_session_rotated_the_most_times_allowed_ends_the_session_and_stores_no_token()
    {
        builder.Options.MaxRotationsPerSession = 10;
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        storedSession!.Rotations = 10;
        builder.Store.Setup(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.RotationLimit, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
        builder.Store.Verify(s => s.RevokeSessionAsync(issued.SessionId, It.IsAny<DateTimeOffset>(), SessionRevocationReasons.RotationLimit, It.IsAny<CancellationToken>()), Times.Once);
        builder.Store.Verify(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_refresh_one_rotation_below_the_limit_rotates()
    {
        builder.Options.MaxRotationsPerSession = 10;
        var service = builder.Build();
        var issued = await service.StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        storedSession!.Rotations = 9;
        builder.Store.Setup(s => s.TryRotateAsync(It.IsAny<RefreshToken>(), It.IsAny<RefreshToken>(), It.IsAny<byte[]?>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.RefreshAsync(issued.RefreshToken, Client, CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<RefreshOutcome.Success>());
        builder.Store.Verify(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("short")]
    [TestCase("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public async Task A_malformed_refresh_token_is_refused_without_touching_the_store(string? token)
    {
        var outcome = await builder.Build().RefreshAsync(token, Client, CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(RefreshOutcome.Invalid));
        builder.Store.VerifyNoOtherCalls();
    }

    [Test]
    public async Task A_logout_with_a_token_of_a_revoked_session_writes_nothing_and_tells_no_instance()
    {
        var issued = await builder.Build().StartSessionAsync(TokenServiceBuilder.Alice, Client, CancellationToken.None);
        ArrangeStoredFamily();
        storedToken!.RevokedAt = builder.Clock.GetUtcNow(); // its family was revoked (a first logout, say)

        var revoked = await builder.Build().RevokeAsync(issued.RefreshToken, SessionRevocationReasons.Logout, CancellationToken.None);

        Assert.That(revoked, Is.False);
        builder.Store.Verify(s => s.RevokeSessionAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        builder.Invalidation.Verify(i => i.Publish(It.IsAny<CacheInvalidation>()), Times.Never);
    }

    private void ArrangeStoredFamily(AuthUser? currentUser = null, bool userExists = true)
    {
        builder.Store.Setup(s => s.FindTokenByHashAsync(storedToken!.TokenHash, It.IsAny<CancellationToken>())).ReturnsAsync(storedToken);
        builder.Store.Setup(s => s.FindSessionAsync(storedSession!.Id, It.IsAny<CancellationToken>())).ReturnsAsync(storedSession);
        builder.Store.Setup(s => s.FindTokenWithSessionAsync(storedToken!.TokenHash, It.IsAny<CancellationToken>())).ReturnsAsync(new TokenWithSession(storedToken!, storedSession, userExists ? StoredUserVersion : null));
        var user = userExists ? currentUser ?? TokenServiceBuilder.Alice : null;
        builder.Users.Setup(u => u.FindByIdAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>())).ReturnsAsync(user);
        builder.Users.Setup(u => u.FindCurrentAsync(TokenServiceBuilder.Alice.Id, userExists ? StoredUserVersion : null, It.IsAny<CancellationToken>())).ReturnsAsync(user);
    }
}
