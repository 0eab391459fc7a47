using System.Security.Cryptography;

using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class SessionStoreTests : SharedDatabaseFixture
{
    [TestCase(2)]
    [TestCase(32)]
    public async Task Concurrent_rotations_of_one_token_have_exactly_one_winner(int contenders)
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        var replacements = Enumerable.Range(0, contenders).Select(_ => Sessions.NewToken(session)).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act: every contender on its own DbContext (its own scope and connection), released together.
        var rotations = replacements
            .Select(replacement => Task.Run(async () =>
            {
                await using var scope = Data.NewScope();
                var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
                await start.Task;
                return await store.TryRotateAsync(token, replacement, null, now, CancellationToken.None);
            }))
            .ToArray();
        start.SetResult();
        var results = await Task.WhenAll(rotations);

        // Assert
        Assert.That(results.Count(won => won), Is.EqualTo(1), "exactly one concurrent rotation may win");
        var tokens = await TokensOfAsync(session.Id);
        Assert.That(tokens, Has.Count.EqualTo(2), "the family holds the rotated token and exactly one replacement");
        var winner = replacements[Array.IndexOf(results, true)];
        var original = tokens.Single(t => t.Id == token.Id);
        Assert.Multiple(() =>
        {
            Assert.That(tokens.Any(t => t.Id == winner.Id), Is.True, "the winner's replacement is stored");
            Assert.That(original.UsedAt, Is.EqualTo(now), "the rotated token is marked used");
            Assert.That(original.ReplacedByHash, Is.EqualTo(winner.TokenHash), "the rotated token points at its replacement");
        });
    }

    [Test]
    public async Task Concurrent_rotations_from_two_app_instances_on_one_database_have_exactly_one_winner()
    {
        // Arrange
        await using var otherInstance = DataServices.SharingDatabaseWith(Data);
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act
        var rotations = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () =>
            {
                await using var scope = (i % 2 == 0 ? Data : otherInstance).NewScope();
                var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
                await start.Task;
                return await store.TryRotateAsync(token, Sessions.NewToken(session), null, now, CancellationToken.None);
            }))
            .ToArray();
        start.SetResult();
        var results = await Task.WhenAll(rotations);

        // Assert
        Assert.That(results.Count(won => won), Is.EqualTo(1), "a token rotated on one instance is used on the other");
        Assert.That(await TokensOfAsync(session.Id), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Rotating_a_token_touches_the_session_and_a_second_rotation_fails()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(20));
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        // Act
        var first = await store.TryRotateAsync(token, Sessions.NewToken(session), null, now, CancellationToken.None);
        var again = await store.TryRotateAsync(token, Sessions.NewToken(session), null, now, CancellationToken.None);

        // Assert
        var stored = await store.FindSessionAsync(session.Id, CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.True, "an unused token rotates");
            Assert.That(again, Is.False, "a used token must not rotate again");
            Assert.That(stored!.LastUsedAt, Is.EqualTo(now), "rotation records when the session was last used");
            Assert.That(await TokensOfAsync(session.Id), Has.Count.EqualTo(2), "the failed rotation stores nothing");
        });
    }

    [Test]
    public async Task A_rotation_stores_the_replacement_and_the_claim_as_given_read_back_through_the_model()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(3));
        var now = Data.Time.GetUtcNow();
        var template = Sessions.NewToken(session);
        var replacement = new RefreshToken
        {
            Id = template.Id,
            TokenHash = template.TokenHash,
            SessionId = session.Id,
            UserId = session.UserId,
            CreatedAt = now,
            ExpiresAt = session.ExpiresAt,
            IpAddress = "203.0.113.7",
            UserAgent = "agent/1.0 \"quoted\"",
        };
        var seal = RandomNumberGenerator.GetBytes(RefreshToken.SealedReplacementLength);
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        // Act
        var rotated = await store.TryRotateAsync(token, replacement, seal, now, CancellationToken.None);

        // Assert
        var used = await store.FindTokenByHashAsync(token.TokenHash, CancellationToken.None);
        var stored = await store.FindTokenWithSessionAsync(replacement.TokenHash, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(rotated, Is.True, "an unused token rotates");
            Assert.That(used!.UsedAt, Is.EqualTo(now), "the claim records when");
            Assert.That(used.ReplacedByHash, Is.EqualTo(replacement.TokenHash), "and by what");
            Assert.That(used.SealedReplacement, Is.EqualTo(seal), "and keeps the sealed successor");
            Assert.That(stored, Is.Not.Null, "the replacement is stored");
            var back = stored!.Token;
            Assert.That(back.Id, Is.EqualTo(replacement.Id));
            Assert.That(back.SessionId, Is.EqualTo(session.Id));
            Assert.That(back.UserId, Is.EqualTo(userId));
            Assert.That(back.CreatedAt, Is.EqualTo(now));
            Assert.That(back.ExpiresAt, Is.EqualTo(session.ExpiresAt));
            Assert.That(back.IpAddress, Is.EqualTo("203.0.113.7"));
            Assert.That(back.UserAgent, Is.EqualTo("agent/1.0 \"quoted\""));
            Assert.That((back.UsedAt, back.RevokedAt, back.ReplacedByHash, back.SealedReplacement), Is.EqualTo(((DateTimeOffset?)null, (DateTimeOffset?)null, (string?)null, (byte[]?)null)), "a fresh token is unused");
            Assert.That(stored.Session!.LastUsedAt, Is.EqualTo(now), "the session is touched");
        });
    }

    [Test]
    public async Task A_token_is_found_with_its_session_in_one_read_and_an_unknown_hash_is_null()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        await store.RevokeSessionAsync(session.Id, Data.Time.GetUtcNow(), SessionRevocationReasons.Logout, CancellationToken.None);

        // Act
        var found = await store.FindTokenWithSessionAsync(token.TokenHash, CancellationToken.None);
        var unknown = await store.FindTokenWithSessionAsync(Sessions.NewToken(session).TokenHash, CancellationToken.None);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(found, Is.Not.Null, "a stored token is found by its hash");
            Assert.That(found!.Token.Id, Is.EqualTo(token.Id), "the token with that hash");
            Assert.That(found.Token.RevokedAt, Is.EqualTo(Data.Time.GetUtcNow()), "the token as stored now, revoked");
            Assert.That(found.Session?.Id, Is.EqualTo(session.Id), "with its own session");
            Assert.That(found.Session?.RevokedAt, Is.EqualTo(Data.Time.GetUtcNow()), "the session as stored now, revoked");
            Assert.That(unknown, Is.Null, "an unknown hash finds nothing");
        });
    }

    [Test]
    public async Task A_revoked_token_does_not_rotate()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        await store.RevokeSessionAsync(session.Id, Data.Time.GetUtcNow(), SessionRevocationReasons.Logout, CancellationToken.None);

        // Act
        var rotated = await store.TryRotateAsync(token, Sessions.NewToken(session), null, Data.Time.GetUtcNow(), CancellationToken.None);

        // Assert
        Assert.That(rotated, Is.False, "a token of a revoked session must not rotate");
    }

    [Test]
    public async Task Revoking_a_session_revokes_every_token_of_its_family()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, first) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        var second = Sessions.NewToken(session);
        Assert.That(await store.TryRotateAsync(first, second, null, now, CancellationToken.None), Is.True);
        Assert.That(await store.TryRotateAsync(second, Sessions.NewToken(session), null, now, CancellationToken.None), Is.True);

        // Act
        var revoked = await store.RevokeSessionAsync(session.Id, now, SessionRevocationReasons.Reuse, CancellationToken.None);
        var revokedAgain = await store.RevokeSessionAsync(session.Id, now, SessionRevocationReasons.Reuse, CancellationToken.None);

        // Assert
        var stored = await store.FindSessionAsync(session.Id, CancellationToken.None);
        var tokens = await TokensOfAsync(session.Id);
        Assert.Multiple(() =>
        {
            Assert.That(revoked, Is.True, "an active session is revoked");
            Assert.That(revokedAgain, Is.False, "a revoked session is no longer active");
            Assert.That(stored!.RevokedAt, Is.EqualTo(now));
            Assert.That(stored.RevokedReason, Is.EqualTo(SessionRevocationReasons.Reuse));
            Assert.That(tokens, Has.Count.EqualTo(3));
            Assert.That(tokens.All(t => t.RevokedAt == now), Is.True, "every token of the family must be revoked");
        });
    }

    /// <summary>
    /// On a server database (SQL Server) two transactions that lock one family's rows in opposite orders can deadlock, and
    /// the loser's work is lost: a revocation that loses leaves the sessions usable. So every writer of a family locks
    /// its session row before any of its tokens. Checked on the EF path every provider but SQLite takes, by the order of
    /// the statements each writer sends.
    /// </summary>
    [Test]
    public async Task On_the_ef_path_every_writer_of_a_family_changes_its_session_row_before_its_tokens()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        var (other, _) = await Data.CreateSessionAsync(userId);
        var (third, _) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        var commands = new RecordedWrites();
        await using var db = await Data.ContextWithAsync(commands);
        var store = new SessionStore(db);

        // Act: a rotation, then each kind of revocation, each recorded on its own.
        var firstWrites = new Dictionary<string, string?>
        {
            ["rotation"] = (await commands.WritesOfAsync(() => store.TryRotateAsync(token, Sessions.NewToken(session), null, now, CancellationToken.None))).FirstOrDefault(),
            ["session revocation"] = (await commands.WritesOfAsync(() => store.RevokeSessionAsync(session.Id, now, SessionRevocationReasons.Logout, CancellationToken.None))).FirstOrDefault(),
            ["session limit"] = (await commands.WritesOfAsync(() => store.RevokeSessionsBeyondAsync(userId, 1, third.Id, now, CancellationToken.None))).FirstOrDefault(),
            ["user revocation"] = (await commands.WritesOfAsync(() => store.RevokeUserSessionsAsync(userId, now, SessionRevocationReasons.PasswordChanged, null, CancellationToken.None))).FirstOrDefault(),
        };

        // Assert
        Assert.Multiple(() =>
        {
            foreach (var (writer, firstWrite) in firstWrites)
            {
                Assert.That(firstWrite, Does.StartWith("UPDATE \"Sessions\""), $"the {writer}'s first write");
            }
        });
        Assert.That((await store.FindSessionAsync(other.Id, CancellationToken.None))!.RevokedReason, Is.EqualTo(SessionRevocationReasons.SessionLimit), "arranged: the limit revoked a session");
    }

    [Test]
    public async Task On_the_ef_path_a_rotation_that_loses_changes_nothing()
    {
        // Arrange: the token has been rotated once already.
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);
        await using var scope = Data.NewScope();
        var store = new SessionStore(scope.ServiceProvider.GetRequiredService<AppDbContext>());
        Assert.That(await store.TryRotateAsync(token, Sessions.NewToken(session), null, Data.Time.GetUtcNow(), CancellationToken.None), Is.True);
        Data.Time.Advance(TimeSpan.FromMinutes(5));

        // Act
        var again = await store.TryRotateAsync(token, Sessions.NewToken(session), null, Data.Time.GetUtcNow(), CancellationToken.None);

        // Assert
        Assert.That(again, Is.False);
        Assert.That((await store.FindSessionAsync(session.Id, CancellationToken.None))!.LastUsedAt, Is.EqualTo(Data.Time.GetUtcNow() - TimeSpan.FromMinutes(5)), "the session's last use stays the winning rotation's");
        Assert.That(await TokensOfAsync(session.Id), Has.Count.EqualTo(2), "no second replacement");
    }

    /// <param name="groupCommit">SQLite's rotation writer, or the EF path every other provider takes.</param>
    [Test]
    public async Task Each_rotation_that_wins_is_counted_on_its_session_and_read_back_with_the_token([Values] bool groupCommit)
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, first) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = StoreOn(scope, groupCommit);
        var second = Sessions.NewToken(session);
        var third = Sessions.NewToken(session);

        // Act: two rotations, and one that loses (the first token again).
        Assert.That(await store.TryRotateAsync(first, second, null, now, CancellationToken.None), Is.True);
        Assert.That(await store.TryRotateAsync(second, third, null, now, CancellationToken.None), Is.True);
        Assert.That(await store.TryRotateAsync(first, Sessions.NewToken(session), null, now, CancellationToken.None), Is.False);

        // Assert
        Assert.That((await store.FindSessionAsync(session.Id, CancellationToken.None))!.Rotations, Is.EqualTo(2));
        Assert.That((await store.FindTokenWithSessionAsync(third.TokenHash, CancellationToken.None))!.Session!.Rotations, Is.EqualTo(2), "the rotation's first read brings the count");
    }

    /// <param name="groupCommit">SQLite's rotation writer, or the EF path every other provider takes.</param>
    [Test]
    public async Task A_sealed_replacement_is_kept_only_until_the_replacement_is_used_or_the_family_revoked([Values] bool groupCommit)
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, first) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = StoreOn(scope, groupCommit);
        var second = Sessions.NewToken(session);
        var third = Sessions.NewToken(session);
        var firstSeal = RandomNumberGenerator.GetBytes(RefreshToken.SealedReplacementLength);
        var secondSeal = RandomNumberGenerator.GetBytes(RefreshToken.SealedReplacementLength);

        // Act
        Assert.That(await store.TryRotateAsync(first, second, firstSeal, now, CancellationToken.None), Is.True);
        var afterFirstRotation = await store.FindTokenByHashAsync(first.TokenHash, CancellationToken.None);
        Assert.That(await store.TryRotateAsync(second, third, secondSeal, now, CancellationToken.None), Is.True);
        var firstAfterSecondRotation = await store.FindTokenByHashAsync(first.TokenHash, CancellationToken.None);
        var secondAfterSecondRotation = await store.FindTokenByHashAsync(second.TokenHash, CancellationToken.None);
        await store.RevokeSessionAsync(session.Id, now, SessionRevocationReasons.Logout, CancellationToken.None);
        var secondAfterRevocation = await store.FindTokenByHashAsync(second.TokenHash, CancellationToken.None);
        var family = await TokensOfAsync(session.Id);

        // Assert
        Assert.Multiple(() =>
        {
            Assert.That(
                family.ToDictionary(t => t.Id, t => t.ReplacesId),
                Is.EquivalentTo(new Dictionary<Guid, Guid?> { [first.Id] = null, [second.Id] = first.Id, [third.Id] = second.Id }),
                "each stored replacement names the token it replaced");
            Assert.That(afterFirstRotation!.SealedReplacement, Is.EqualTo(firstSeal), "the winning rotation stores its seal");
            Assert.That(firstAfterSecondRotation!.SealedReplacement, Is.Null, "once the replacement is used, the seal of the token it replaced is forgotten");
            Assert.That(secondAfterSecondRotation!.SealedReplacement, Is.EqualTo(secondSeal), "the newest rotation keeps its seal");
            Assert.That(secondAfterRevocation!.SealedReplacement, Is.Null, "a revoked family keeps no seal");
        });
    }

    [Test]
    public async Task Revoking_a_users_sessions_keeps_the_excepted_session()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (first, _) = await Data.CreateSessionAsync(userId);
        var (kept, keptToken) = await Data.CreateSessionAsync(userId);
        var (third, _) = await Data.CreateSessionAsync(userId);
        var otherUsers = await Data.CreateSessionAsync(await Data.CreateUserAsync());
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        // Act
        var revoked = await store.RevokeUserSessionsAsync(userId, now, SessionRevocationReasons.PasswordChanged, kept.Id, CancellationToken.None);

        // Assert
        var active = await store.ListActiveSessionsAsync(userId, now, CancellationToken.None);
        var keptTokenNow = await store.FindTokenByHashAsync(keptToken.TokenHash, CancellationToken.None);
        var othersActive = await store.ListActiveSessionsAsync(otherUsers.Session.UserId, now, CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(revoked, Is.EquivalentTo(new[] { first.Id, third.Id }), "every other session of the user is revoked");
            Assert.That(active.Select(s => s.Id), Is.EqualTo(new[] { kept.Id }), "the excepted session stays active");
            Assert.That(keptTokenNow!.RevokedAt, Is.Null, "the excepted session's token stays usable");
            Assert.That((await TokensOfAsync(first.Id)).All(t => t.RevokedAt == now), Is.True, "revoked sessions' tokens are revoked");
            Assert.That(othersActive, Has.Count.EqualTo(1), "another user's sessions are untouched");
        });
    }

    [Test]
    public async Task Beyond_the_limit_the_least_recently_used_sessions_are_revoked_with_their_tokens()
    {
        // Arrange: four active sessions, one ended one, and the session a sign-in has just started.
        var userId = await Data.CreateUserAsync();
        var (leastUsed, _) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        var (refreshedLater, refreshedToken) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        var (middle, _) = await Data.CreateSessionAsync(userId);
        await Data.CreateSessionAsync(userId, lifetime: TimeSpan.FromMinutes(1)); // expires before the sign-in
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        Assert.That(await store.TryRotateAsync(refreshedToken, Sessions.NewToken(refreshedLater), null, Data.Time.GetUtcNow(), CancellationToken.None), Is.True);
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        var (started, _) = await Data.CreateSessionAsync(userId);
        var otherUser = await Data.CreateSessionAsync(await Data.CreateUserAsync());
        var now = Data.Time.GetUtcNow();

        // Act
        var revoked = await store.RevokeSessionsBeyondAsync(userId, 2, started.Id, now, CancellationToken.None);

        // Assert
        var active = await store.ListActiveSessionsAsync(userId, now, CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(revoked.Revoked, Is.EquivalentTo(new[] { leastUsed.Id, middle.Id }), "the two least recently used go; the expired one is not counted");
            Assert.That(revoked.KeptSessionActive, Is.True);
            Assert.That(active.Select(s => s.Id), Is.EquivalentTo(new[] { started.Id, refreshedLater.Id }), "the new session and the one refreshed since stay");
            Assert.That((await TokensOfAsync(leastUsed.Id)).All(t => t.RevokedAt == now), Is.True, "a revoked session's tokens are revoked");
            Assert.That((await store.FindSessionAsync(middle.Id, CancellationToken.None))!.RevokedReason, Is.EqualTo(SessionRevocationReasons.SessionLimit));
            Assert.That(await store.ListActiveSessionsAsync(otherUser.Session.UserId, now, CancellationToken.None), Has.Count.EqualTo(1), "another user's sessions are untouched");
        });
    }

    [Test]
    public async Task When_a_concurrent_sign_in_has_revoked_the_kept_session_the_limit_still_leaves_the_rest()
    {
        // Arrange: two sign-ins at a limit of one; the other one ran first and revoked this one's new session.
        var userId = await Data.CreateUserAsync();
        var (older, _) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        var (otherNew, _) = await Data.CreateSessionAsync(userId);
        var (thisNew, _) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        Assert.That(await store.RevokeSessionAsync(thisNew.Id, now, SessionRevocationReasons.SessionLimit, CancellationToken.None), Is.True);

        // Act
        var revoked = await store.RevokeSessionsBeyondAsync(userId, 1, thisNew.Id, now, CancellationToken.None);

        // Assert
        Assert.That(revoked.Revoked, Is.EqualTo(new[] { older.Id }), "only the one beyond the limit");
        Assert.That(revoked.KeptSessionActive, Is.False, "the sign-in learns that its session is gone");
        Assert.That((await store.ListActiveSessionsAsync(userId, now, CancellationToken.None)).Select(s => s.Id), Is.EqualTo(new[] { otherNew.Id }), "the limit is one, not none");
    }

    [Test]
    public async Task A_session_of_a_user_deleted_meanwhile_is_not_stored_and_another_failure_still_surfaces()
    {
        // Arrange
        var now = Data.Time.GetUtcNow();
        var gone = new Session { Id = Guid.NewGuid(), UserId = "deleted-user", CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(14) };
        var userId = await Data.CreateUserAsync();
        var (existing, _) = await Data.CreateSessionAsync(userId);
        var duplicate = new Session { Id = existing.Id, UserId = userId, CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(14) };
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        // Act
        var stored = await store.CreateAsync(gone, Sessions.NewToken(gone), CancellationToken.None);

        // Assert
        Assert.That(stored, Is.False, "the user's foreign key refused it: a sign-in racing the user's deletion");
        Assert.That(await store.FindSessionAsync(gone.Id, CancellationToken.None), Is.Null);
        Assert.ThrowsAsync<DbUpdateException>(() => store.CreateAsync(duplicate, Sessions.NewToken(duplicate), CancellationToken.None),
            "a failure with the user still there is not a deleted user");
    }

    [Test]
    public async Task A_sign_in_whose_session_a_concurrent_sign_in_revoked_learns_it_though_the_user_is_within_the_limit()
    {
        // Arrange: two sign-ins at a limit of one stored their sessions; the first to keep the limit kept its own.
        var userId = await Data.CreateUserAsync();
        var (first, _) = await Data.CreateSessionAsync(userId);
        var (second, _) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        var firstResult = await store.RevokeSessionsBeyondAsync(userId, 1, first.Id, now, CancellationToken.None);

        // Act: the second keeps the limit; one active session is left, within it.
        var secondResult = await store.RevokeSessionsBeyondAsync(userId, 1, second.Id, now, CancellationToken.None);

        // Assert
        Assert.That(firstResult.Revoked, Is.EqualTo(new[] { second.Id }), "arranged: the first revoked the second's session");
        Assert.That(secondResult.Revoked, Is.Empty);
        Assert.That(secondResult.KeptSessionActive, Is.False, "its session was revoked: its tokens must not be handed out");
    }

    /// <summary>
    /// Every sign-in counts the user's active sessions (the limit), and ended ones stay for weeks: the query must seek
    /// its way to the active ones through one index on all three conditions, not visit every session the user had.
    /// </summary>
    [Test]
    public async Task A_users_active_sessions_are_found_through_an_index_on_all_three_conditions()
    {
        await using var scope = Data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var plan = await QueryPlans.ExplainAsync(db, SessionStore.ActiveSessionsOf(db, "user", Data.Time.GetUtcNow()).Select(s => s.Id));

        Assert.That(plan, Has.Some.Contains("INDEX IX_Sessions_UserId_RevokedAt_ExpiresAt (UserId=? AND RevokedAt=? AND ExpiresAt>?)"), string.Join("; ", plan));
    }

    /// <summary>The sweep deletes ended sessions a batch at a time: each batch must find them by index, not read every session.</summary>
    [Test]
    public async Task The_sweep_finds_ended_sessions_through_an_index_on_each_end()
    {
        await using var scope = Data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var plan = await QueryPlans.ExplainAsync(db, SessionStore.EndedBefore(db, Data.Time.GetUtcNow()).Take(SessionStore.SweepBatchSize));

        Assert.That(plan, Has.Some.Contains("INDEX IX_Sessions_ExpiresAt (ExpiresAt<?)"), string.Join("; ", plan));
        Assert.That(plan, Has.Some.Contains("INDEX IX_Sessions_RevokedAt (RevokedAt<?)"), string.Join("; ", plan));
        Assert.That(plan, Has.None.StartsWith("SCAN Sessions"), string.Join("; ", plan));
    }

    [Test]
    public async Task Within_the_limit_no_session_is_revoked_and_the_kept_one_never_is()
    {
        // Arrange: the kept session is the least recently used of three.
        var userId = await Data.CreateUserAsync();
        var (kept, _) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        var (second, _) = await Data.CreateSessionAsync(userId);
        var (third, _) = await Data.CreateSessionAsync(userId);
        var now = Data.Time.GetUtcNow();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        // Act
        var withinLimit = await store.RevokeSessionsBeyondAsync(userId, 3, kept.Id, now, CancellationToken.None);
        var atOne = await store.RevokeSessionsBeyondAsync(userId, 1, kept.Id, now, CancellationToken.None);

        // Assert
        Assert.That(withinLimit.Revoked, Is.Empty, "three sessions, a limit of three");
        Assert.That(withinLimit.KeptSessionActive, Is.True);
        Assert.That(atOne.Revoked, Is.EquivalentTo(new[] { second.Id, third.Id }));
        Assert.That(atOne.KeptSessionActive, Is.True);
        Assert.That((await store.ListActiveSessionsAsync(userId, now, CancellationToken.None)).Select(s => s.Id), Is.EqualTo(new[] { kept.Id }));
    }

    [Test]
    public async Task Active_sessions_leave_out_expired_and_revoked_ones_newest_use_first()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (shortLived, _) = await Data.CreateSessionAsync(userId, lifetime: TimeSpan.FromHours(1));
        var (older, _) = await Data.CreateSessionAsync(userId);
        Data.Time.Advance(TimeSpan.FromMinutes(1));
        var (newer, _) = await Data.CreateSessionAsync(userId);
        var (revoked, _) = await Data.CreateSessionAsync(userId);
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        await store.RevokeSessionAsync(revoked.Id, Data.Time.GetUtcNow(), SessionRevocationReasons.Logout, CancellationToken.None);
        Data.Time.Advance(TimeSpan.FromHours(2));

        // Act
        var active = await store.ListActiveSessionsAsync(userId, Data.Time.GetUtcNow(), CancellationToken.None);

        // Assert
        Assert.That(active.Select(s => s.Id), Is.EqualTo(new[] { newer.Id, older.Id }), "expired and revoked sessions are not active");
        Assert.That(active.Select(s => s.Id), Does.Not.Contain(shortLived.Id));
    }

    [Test]
    public async Task A_long_user_agent_is_cut_to_the_column()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();

        // Act
        var (session, token) = await Data.CreateSessionAsync(userId, userAgent: new string('a', 2000));

        // Assert
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        var stored = await store.FindSessionAsync(session.Id, CancellationToken.None);
        var storedToken = await store.FindTokenByHashAsync(token.TokenHash, CancellationToken.None);
        Assert.That(stored!.UserAgent, Has.Length.EqualTo(512));
        Assert.That(storedToken!.UserAgent, Has.Length.EqualTo(512));
    }

    [Test]
    public async Task Deleting_a_user_deletes_their_sessions_and_tokens()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        var (session, token) = await Data.CreateSessionAsync(userId);

        // Act
        await using (var scope = Data.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var result = await users.DeleteAsync((await users.FindByIdAsync(userId))!);
            Assert.That(result.Succeeded, Is.True);
        }

        // Assert
        await using var check = Data.NewScope();
        var store = check.ServiceProvider.GetRequiredService<ISessionStore>();
        Assert.That(await store.FindSessionAsync(session.Id, CancellationToken.None), Is.Null, "the session goes with its user");
        Assert.That(await store.FindTokenByHashAsync(token.TokenHash, CancellationToken.None), Is.Null, "the tokens go with their session");
    }

    [Test]
    public async Task Sessions_that_ended_before_the_cutoff_are_deleted_with_their_tokens_and_the_others_kept()
    {
        // Arrange: ended long ago (expired, revoked), ended lately, active; each with a rotated token.
        var userId = await Data.CreateUserAsync();
        var now = Data.Time.GetUtcNow();
        var (expiredLongAgo, _) = await Data.CreateSessionAsync(userId, lifetime: TimeSpan.FromDays(-100));
        var (revokedLongAgo, _) = await Data.CreateSessionAsync(userId);
        var (revokedLately, _) = await Data.CreateSessionAsync(userId);
        var (active, _) = await Data.CreateSessionAsync(userId);
        await using var scope = Data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await db.Sessions.Where(s => s.Id == revokedLongAgo.Id).ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now.AddDays(-100)));
        await db.Sessions.Where(s => s.Id == revokedLately.Id).ExecuteUpdateAsync(set => set.SetProperty(s => s.RevokedAt, now.AddDays(-1)));
        foreach (var session in new[] { expiredLongAgo, revokedLongAgo, revokedLately, active })
        {
            db.RefreshTokens.Add(Sessions.NewToken(session));
        }

        await db.SaveChangesAsync();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();

        // Act
        var deleted = await store.DeleteEndedBeforeAsync(now.AddDays(-50), CancellationToken.None);

        // Assert
        var left = await db.Sessions.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.Id).ToListAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(deleted, Is.EqualTo(2));
            Assert.That(left, Is.EquivalentTo(new[] { revokedLately.Id, active.Id }));
            Assert.That(await db.RefreshTokens.CountAsync(t => t.SessionId == expiredLongAgo.Id || t.SessionId == revokedLongAgo.Id), Is.Zero, "their tokens went with them");
            Assert.That(await db.RefreshTokens.CountAsync(t => t.SessionId == revokedLately.Id || t.SessionId == active.Id), Is.EqualTo(4), "the others keep theirs");
        });
    }

    [Test]
    public async Task Deleting_ended_sessions_goes_on_past_one_batch()
    {
        // Arrange: one more ended session than a batch holds, ended long before anything else in this database.
        var userId = await Data.CreateUserAsync();
        var longAgo = Data.Time.GetUtcNow().AddYears(-5);
        await using var scope = Data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        for (var i = 0; i <= SessionStore.SweepBatchSize; i++)
        {
            var session = new Session { Id = Guid.NewGuid(), UserId = userId, CreatedAt = longAgo, LastUsedAt = longAgo, ExpiresAt = longAgo.AddDays(1) };
            db.Sessions.Add(session);
            db.RefreshTokens.Add(Sessions.NewToken(session));
        }

        await db.SaveChangesAsync();

        // Act
        var deleted = await scope.ServiceProvider.GetRequiredService<ISessionStore>().DeleteEndedBeforeAsync(longAgo.AddDays(2), CancellationToken.None);

        // Assert
        Assert.That(deleted, Is.EqualTo(SessionStore.SweepBatchSize + 1));
        Assert.That(await db.Sessions.CountAsync(s => s.UserId == userId), Is.Zero);
    }

    private async Task<List<RefreshToken>> TokensOfAsync(Guid sessionId)
    {
        await using var scope = Data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.RefreshTokens.AsNoTracking().Where(t => t.SessionId == sessionId).ToListAsync();
    }

    /// <param name="groupCommit">SQLite's rotation writer (the store the app resolves), or the EF path every other provider takes.</param>
    private static ISessionStore StoreOn(AsyncServiceScope scope, bool groupCommit) => groupCommit
        ? scope.ServiceProvider.GetRequiredService<ISessionStore>()
        : new SessionStore(scope.ServiceProvider.GetRequiredService<AppDbContext>());
}
