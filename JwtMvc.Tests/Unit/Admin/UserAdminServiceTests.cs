using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Cluster;
using JwtMvc.Core.Security;
using JwtMvc.Core.Validation;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Admin;

/// <summary>The rules of user administration, over mocked stores and a fake clock.</summary>
public sealed class UserAdminServiceTests
{
    private static readonly AdminActor Actor = new("admin-id", "admin");

    private TokenServiceBuilder builder = null!;
    private Mock<IUserAdministration> users = null!;
    private Mock<IAuditLog> audit = null!;
    private List<AuditEntry> written = null!;
    private SessionService sessions = null!;
    private Mock<ITwoFactorStore> twoFactorStore = null!;
    private Mock<IPasskeyStore> passkeys = null!;
    private UserAdminService service = null!;

    private static ManagedUser Admin => new("admin-id", "admin", "Administrator", "admin@x.test", ["Admin"], null, true, 1, false);

    private static ManagedUser Bob => new("bob-id", "bob", "Bob", "bob@x.test", ["User"], null, true, 1, true);

    private static ManagedUser OtherAdmin => new("other-id", "other", null, "other@x.test", ["Admin"], null, true, 1, false);

    [SetUp]
    public void SetUp()
    {
        builder = new TokenServiceBuilder();
        users = new Mock<IUserAdministration>(MockBehavior.Strict);
        audit = new Mock<IAuditLog>(MockBehavior.Strict);
        written = [];
        audit.Setup(a => a.WriteAsync(It.IsAny<AuditEntry>(), It.IsAny<CancellationToken>()))
            .Callback<AuditEntry, CancellationToken>((entry, _) => written.Add(entry))
            .Returns(Task.CompletedTask);
        users.Setup(u => u.ListRolesAsync(It.IsAny<CancellationToken>())).ReturnsAsync(["Admin", "User"]);
        users.Setup(u => u.FindAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync((ManagedUser?)null);
        foreach (var user in new[] { Admin, Bob, OtherAdmin })
        {
            users.Setup(u => u.FindAsync(user.Id, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(user);
        }

        ActiveAdmins("admin-id", "other-id");
        builder.Store.Setup(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .ReturnsAsync([Guid.NewGuid()]);
        sessions = builder.BuildSessions();
        twoFactorStore = new Mock<ITwoFactorStore>(MockBehavior.Strict);
        passkeys = new Mock<IPasskeyStore>(MockBehavior.Strict);
        passkeys.Setup(p => p.RemoveAllAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(0);
        var twoFactor = new TwoFactorService(twoFactorStore.Object, passkeys.Object, sessions, builder.Events.Object, builder.Clock);
        service = new UserAdminService(users.Object, audit.Object, sessions, twoFactor, builder.Events.Object, new AdminChangeGate(), builder.Clock);
    }

    [Test]
    public async Task Locking_without_an_end_locks_indefinitely_then_revokes_every_session_and_audits()
    {
        var order = new List<string>();
        users.Setup(u => u.LockAsync("bob-id", DateTimeOffset.MaxValue, It.IsAny<CancellationToken>())).Callback(() => order.Add("lock")).ReturnsAsync(true);
        builder.Store.Setup(s => s.RevokeUserSessionsAsync("bob-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserLocked, null, It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("revoke")).ReturnsAsync([Guid.NewGuid()]);

        var outcome = await service.LockAsync(Actor, "bob-id", until: null, CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>());
        Assert.That(order, Is.EqualTo(new[] { "lock", "revoke" }), "locked first, so no new sign-in slips in between");
        Assert.That(written, Has.Count.EqualTo(1));
        Assert.That(written[0], Has.Property(nameof(AuditEntry.Action)).EqualTo(AuditActions.Locked)
            .And.Property(nameof(AuditEntry.ActorId)).EqualTo("admin-id")
            .And.Property(nameof(AuditEntry.ActorUserName)).EqualTo("admin")
            .And.Property(nameof(AuditEntry.TargetUserId)).EqualTo("bob-id")
            .And.Property(nameof(AuditEntry.TargetUserName)).EqualTo("bob")
            .And.Property(nameof(AuditEntry.At)).EqualTo(builder.Clock.GetUtcNow())
            .And.Property(nameof(AuditEntry.Detail)).EqualTo("indefinitely; 1 session revoked"), "who did what to whom and when");
    }

    [Test]
    public async Task Resetting_two_factor_removes_the_authenticator_then_revokes_every_session_audits_and_records_a_security_event()
    {
        var order = new List<string>();
        twoFactorStore.Setup(s => s.GetStateAsync("bob-id", It.IsAny<CancellationToken>())).ReturnsAsync(new TwoFactorState("bob", true, "KEY", 10));
        twoFactorStore.Setup(s => s.DisableAsync("bob-id", It.IsAny<CancellationToken>())).Callback(() => order.Add("disable")).Returns(Task.CompletedTask);
        builder.Store.Setup(s => s.RevokeUserSessionsAsync("bob-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.TwoFactorReset, null, It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("revoke")).ReturnsAsync([Guid.NewGuid(), Guid.NewGuid()]);

        var outcome = await service.ResetTwoFactorAsync(Actor, "bob-id", CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>());
        Assert.That(order, Is.EqualTo(new[] { "disable", "revoke" }), "the factors go first, so no session started with them survives");
        Assert.That(written.Single(), Has.Property(nameof(AuditEntry.Action)).EqualTo(AuditActions.TwoFactorReset)
            .And.Property(nameof(AuditEntry.TargetUserId)).EqualTo("bob-id")
            .And.Property(nameof(AuditEntry.Detail)).EqualTo("authenticator app and recovery codes removed; 2 sessions revoked"));
        builder.Events.Verify(e => e.RecordAsync(SecurityEventTypes.TwoFactor, "bob-id", "bob", null,
            It.Is<string>(d => d.StartsWith(TwoFactorEvents.ResetByAdmin + " admin", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Resetting_two_factor_removes_the_users_passkeys_too_and_says_so()
    {
        var carol = new ManagedUser("carol-id", "carol", null, "carol@x.test", ["User"], null, true, 1, false, PasskeyCount: 2);
        users.Setup(u => u.FindAsync("carol-id", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(carol);
        twoFactorStore.Setup(s => s.GetStateAsync("carol-id", It.IsAny<CancellationToken>())).ReturnsAsync(new TwoFactorState("carol", false, null, 0));
        twoFactorStore.Setup(s => s.DisableAsync("carol-id", It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        passkeys.Setup(p => p.RemoveAllAsync("carol-id", It.IsAny<CancellationToken>())).ReturnsAsync(2);

        var outcome = await service.ResetTwoFactorAsync(Actor, "carol-id", CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>());
        passkeys.Verify(p => p.RemoveAllAsync("carol-id", It.IsAny<CancellationToken>()), Times.Once);
        Assert.That(written.Single().Detail, Does.StartWith("two-factor sign-in was off; 2 passkeys removed"));
        builder.Events.Verify(e => e.RecordAsync(SecurityEventTypes.Passkey, "carol-id", "carol", null, "2 passkeys removed by admin admin", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Resetting_two_factor_of_an_unknown_user_is_not_found_and_changes_nothing()
    {
        var outcome = await service.ResetTwoFactorAsync(Actor, "nobody", CancellationToken.None);

        Assert.That(outcome, Is.SameAs(AdminOutcome.NotFound));
        twoFactorStore.Verify(s => s.DisableAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        passkeys.Verify(p => p.RemoveAllAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(written, Is.Empty);
    }

    [Test]
    public async Task A_password_set_by_an_admin_is_a_security_event_that_does_not_hold_the_password()
    {
        users.Setup(u => u.ResetPasswordAsync("bob-id", "New#Secret123", It.IsAny<CancellationToken>())).ReturnsAsync(ValidationOutcome.Ok);

        await service.ResetPasswordAsync(Actor, "bob-id", "New#Secret123", CancellationToken.None);

        builder.Events.Verify(e => e.RecordAsync(SecurityEventTypes.PasswordChanged, "bob-id", "bob", null,
            It.Is<string>(d => d.Contains("admin", StringComparison.Ordinal) && !d.Contains("Secret", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task An_email_changed_by_an_admin_is_a_security_event_and_a_display_name_change_is_not()
    {
        users.Setup(u => u.UpdateProfileAsync("bob-id", It.IsAny<string?>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(ValidationOutcome.Ok);

        await service.UpdateProfileAsync(Actor, "bob-id", "Robert", "bob@x.test", CancellationToken.None);
        builder.Events.Verify(e => e.RecordAsync(SecurityEventTypes.EmailChanged, It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<string?>(), It.IsAny<CancellationToken>()), Times.Never,
            "the address did not change");

        await service.UpdateProfileAsync(Actor, "bob-id", "Bob", "robert@x.test", CancellationToken.None);
        builder.Events.Verify(e => e.RecordAsync(SecurityEventTypes.EmailChanged, "bob-id", "bob", null,
            It.Is<string>(d => d.Contains("bob@x.test -> robert@x.test", StringComparison.Ordinal)), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Locking_ends_a_session_this_instance_had_cached_as_active_at_once()
    {
        var sessionId = Guid.NewGuid();
        var now = builder.Clock.GetUtcNow();
        var session = new Session { Id = sessionId, UserId = "bob-id", CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(1) };
        builder.Store.Setup(s => s.FindSessionAsync(sessionId, It.IsAny<CancellationToken>())).ReturnsAsync(() => session);
        builder.Store.Setup(s => s.RevokeUserSessionsAsync("bob-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.UserLocked, null, It.IsAny<CancellationToken>()))
            .Callback(() => session.RevokedAt = now).ReturnsAsync([sessionId]);
        users.Setup(u => u.LockAsync("bob-id", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        Assert.That(await sessions.IsActiveAsync(sessionId, "bob-id", CancellationToken.None), Is.True, "cached as active");

        await service.LockAsync(Actor, "bob-id", until: null, CancellationToken.None);

        Assert.That(await sessions.IsActiveAsync(sessionId, "bob-id", CancellationToken.None), Is.False, "the cache entry was evicted, not left to expire");
    }

    [Test]
    public async Task Locking_until_a_time_that_has_passed_is_invalid_and_changes_nothing()
    {
        var outcome = await service.LockAsync(Actor, "bob-id", builder.Clock.GetUtcNow().AddSeconds(-1), CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Invalid>());
        Assert.That(((AdminOutcome.Invalid)outcome).Errors.Select(e => e.Field), Is.EqualTo(new[] { "until" }));
        users.Verify(u => u.LockAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(written, Is.Empty, "nothing happened, nothing audited");
    }

    [Test]
    public async Task An_admin_cannot_lock_themselves()
    {
        var outcome = await service.LockAsync(Actor, "admin-id", until: null, CancellationToken.None);

        AssertRefused(outcome, "yourself");
        users.Verify(u => u.LockAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_admin_cannot_delete_themselves()
    {
        var outcome = await service.DeleteAsync(Actor, "admin-id", CancellationToken.None);

        AssertRefused(outcome, "yourself");
        users.Verify(u => u.DeleteAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_admin_cannot_remove_their_own_Admin_role()
    {
        var outcome = await service.SetRolesAsync(Actor, "admin-id", ["User"], CancellationToken.None);

        AssertRefused(outcome, "your own Admin role");
        users.Verify(u => u.SetRolesAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_admin_may_add_roles_to_themselves_while_keeping_Admin()
    {
        users.Setup(u => u.SetRolesAsync("admin-id", It.Is<IReadOnlyList<string>>(r => r.SequenceEqual(new[] { "Admin", "User" })), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.SetRolesAsync(Actor, "admin-id", ["Admin", "User"], CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>(), "the self-protection is about losing Admin, not about any change");
    }

    [Test]
    public async Task The_last_active_admin_cannot_be_demoted_deleted_or_locked()
    {
        ActiveAdmins("other-id");
        var staleActor = new AdminActor("stale-id", "stale");

        var demote = await service.SetRolesAsync(staleActor, "other-id", ["User"], CancellationToken.None);
        var delete = await service.DeleteAsync(staleActor, "other-id", CancellationToken.None);
        var lockOut = await service.LockAsync(staleActor, "other-id", until: null, CancellationToken.None);

        AssertRefused(demote, "last admin");
        AssertRefused(delete, "last admin");
        AssertRefused(lockOut, "last admin");
        users.Verify(u => u.DeleteAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
        builder.Store.Verify(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_admin_may_be_demoted_while_another_active_admin_remains()
    {
        users.Setup(u => u.SetRolesAsync("other-id", It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var outcome = await service.SetRolesAsync(Actor, "other-id", ["User"], CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>());
        builder.Store.Verify(s => s.RevokeUserSessionsAsync("other-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.RolesChanged, null, It.IsAny<CancellationToken>()), Times.Once,
            "a role change ends the user's sessions, so old tokens with the old roles stop working");
        Assert.That(written.Single().Detail, Does.StartWith("roles: Admin -> User"));
    }

    [Test]
    public async Task Roles_are_matched_ignoring_case_stored_under_their_own_name_once()
    {
        IReadOnlyList<string>? stored = null;
        users.Setup(u => u.SetRolesAsync("bob-id", It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .Callback<string, IReadOnlyList<string>, CancellationToken>((_, roles, _) => stored = roles).ReturnsAsync(true);

        await service.SetRolesAsync(Actor, "bob-id", ["user", "ADMIN", "User"], CancellationToken.None);

        Assert.That(stored, Is.EqualTo(new[] { "User", "Admin" }));
    }

    [Test]
    public async Task Setting_the_roles_a_user_already_has_changes_nothing_and_keeps_their_sessions()
    {
        var outcome = await service.SetRolesAsync(Actor, "bob-id", ["User"], CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>());
        users.Verify(u => u.SetRolesAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()), Times.Never);
        builder.Store.Verify(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_unknown_role_is_invalid_under_roles_when_creating_or_changing_roles()
    {
        var create = await service.CreateAsync(Actor, new NewUser("carol", "carol@x.test", "Carol#12345", null, ["User", "Root"]), CancellationToken.None);
        var change = await service.SetRolesAsync(Actor, "bob-id", ["Root"], CancellationToken.None);

        foreach (var outcome in new[] { create, change })
        {
            Assert.That(outcome, Is.InstanceOf<AdminOutcome.Invalid>());
            Assert.That(((AdminOutcome.Invalid)outcome).Errors.Single().Field, Is.EqualTo("roles"));
        }

        users.Verify(u => u.CreateAsync(It.IsAny<NewUser>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Creating_a_user_passes_identitys_failed_rules_through_and_audits_only_success()
    {
        users.Setup(u => u.CreateAsync(It.IsAny<NewUser>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(ValidationOutcome<string>.Failed(new ValidationError("password", "PasswordTooShort", "Too short.")));

        var outcome = await service.CreateAsync(Actor, new NewUser("carol", "carol@x.test", "x", null, ["User"]), CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Invalid>());
        Assert.That(((AdminOutcome.Invalid)outcome).Errors.Single().Field, Is.EqualTo("password"));
        Assert.That(written, Is.Empty);
    }

    [Test]
    public async Task Resetting_a_password_revokes_every_session_and_audits_no_secret()
    {
        users.Setup(u => u.ResetPasswordAsync("bob-id", "Secret#99999", It.IsAny<CancellationToken>())).ReturnsAsync(ValidationOutcome.Ok);

        var outcome = await service.ResetPasswordAsync(Actor, "bob-id", "Secret#99999", CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>());
        builder.Store.Verify(s => s.RevokeUserSessionsAsync("bob-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.PasswordReset, null, It.IsAny<CancellationToken>()), Times.Once);
        Assert.That(written.Single().Action, Is.EqualTo(AuditActions.PasswordReset));
        Assert.That(written.Single().Detail, Does.Not.Contain("Secret"), "the audit trail never holds the password");
    }

    [Test]
    public async Task A_refused_password_keeps_the_sessions()
    {
        users.Setup(u => u.ResetPasswordAsync("bob-id", "x", It.IsAny<CancellationToken>()))
            .ReturnsAsync(ValidationOutcome.Failed(new ValidationError("newPassword", "PasswordTooShort", "Too short.")));

        var outcome = await service.ResetPasswordAsync(Actor, "bob-id", "x", CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Invalid>());
        builder.Store.Verify(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Deleting_evicts_the_sessions_that_went_with_the_user_and_audits()
    {
        var sessionId = CachedActiveSession("bob-id");
        users.Setup(u => u.DeleteAsync("bob-id", builder.Clock.GetUtcNow(), It.IsAny<CancellationToken>())).ReturnsAsync([sessionId]);

        var outcome = await service.DeleteAsync(Actor, "bob-id", CancellationToken.None);

        Assert.That(outcome, Is.EqualTo(new AdminOutcome.Done(null)));
        Assert.That(builder.Cache.TryGet(sessionId, "bob-id", builder.Clock.GetUtcNow(), out _), Is.False, "this instance no longer trusts the deleted session");
        builder.Invalidation.Verify(i => i.Publish(It.Is<CacheInvalidation>(m => m.Kind == CacheInvalidationKind.SessionsRevoked && m.Ids.SequenceEqual(new[] { sessionId.ToString() }))), Times.Once);
        builder.Store.Verify(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(written.Single(), Has.Property(nameof(AuditEntry.Action)).EqualTo(AuditActions.Deleted)
            .And.Property(nameof(AuditEntry.Detail)).EqualTo("e-mail was bob@x.test; 1 session revoked"));
    }

    [Test]
    public async Task A_delete_the_database_refuses_as_the_last_admin_leaves_the_sessions_as_they_were()
    {
        // Another instance has just removed the only other admin: this instance's check passed, the store's re-count refuses.
        var sessionId = CachedActiveSession("other-id");
        users.Setup(u => u.DeleteAsync("other-id", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ThrowsAsync(new LastAdminException());

        var outcome = await service.DeleteAsync(Actor, "other-id", CancellationToken.None);

        AssertRefused(outcome, "last admin");
        builder.Store.Verify(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.That(builder.Cache.TryGet(sessionId, "other-id", builder.Clock.GetUtcNow(), out var active) && active, Is.True, "the admin who stays keeps their session");
        builder.Invalidation.Verify(i => i.Publish(It.IsAny<CacheInvalidation>()), Times.Never);
        Assert.That(written, Is.Empty);
    }

    [Test]
    public async Task Revoking_sessions_renews_the_stamp_first_then_revokes_them_all_and_audits_how_many()
    {
        var order = new List<string>();
        users.Setup(u => u.RenewSecurityStampAsync("bob-id", It.IsAny<CancellationToken>())).Callback(() => order.Add("stamp")).ReturnsAsync(true);
        builder.Store.Setup(s => s.RevokeUserSessionsAsync("bob-id", It.IsAny<DateTimeOffset>(), SessionRevocationReasons.AdminRevoked, null, It.IsAny<CancellationToken>()))
            .Callback(() => order.Add("revoke"))
            .ReturnsAsync([Guid.NewGuid(), Guid.NewGuid()]);

        await service.RevokeSessionsAsync(Actor, "bob-id", CancellationToken.None);

        Assert.That(order, Is.EqualTo(new[] { "stamp", "revoke" }), "a sign-in that stores its session after the revocation sees the new stamp");

        Assert.That(written.Single(), Has.Property(nameof(AuditEntry.Action)).EqualTo(AuditActions.SessionsRevoked).And.Property(nameof(AuditEntry.Detail)).EqualTo("2 sessions revoked"));
    }

    [Test]
    public async Task Every_action_on_an_unknown_user_is_not_found_and_changes_nothing()
    {
        var outcomes = new[]
        {
            await service.LockAsync(Actor, "nobody", null, CancellationToken.None),
            await service.UnlockAsync(Actor, "nobody", CancellationToken.None),
            await service.DeleteAsync(Actor, "nobody", CancellationToken.None),
            await service.SetRolesAsync(Actor, "nobody", ["User"], CancellationToken.None),
            await service.ResetPasswordAsync(Actor, "nobody", "Secret#99999", CancellationToken.None),
            await service.UpdateProfileAsync(Actor, "nobody", "x", "x@x.test", CancellationToken.None),
            await service.RevokeSessionsAsync(Actor, "nobody", CancellationToken.None),
        };

        Assert.That(outcomes, Is.All.EqualTo(AdminOutcome.NotFound));
        Assert.That(await service.ListSessionsAsync("nobody", CancellationToken.None), Is.Null);
        Assert.That(await service.AuditTrailAsync("nobody", CancellationToken.None), Is.Null);
        Assert.That(written, Is.Empty);
    }

    public static IEnumerable<TestCaseData> Changes()
    {
        yield return Change("update profile", AuditActions.ProfileUpdated, (s, id) => s.UpdateProfileAsync(Actor, id, "Robert", "robert@x.test", CancellationToken.None));
        yield return Change("set roles", AuditActions.RolesChanged, (s, id) => s.SetRolesAsync(Actor, id, ["Admin", "User"], CancellationToken.None));
        yield return Change("lock", AuditActions.Locked, (s, id) => s.LockAsync(Actor, id, null, CancellationToken.None));
        yield return Change("unlock", AuditActions.Unlocked, (s, id) => s.UnlockAsync(Actor, id, CancellationToken.None));
        yield return Change("reset password", AuditActions.PasswordReset, (s, id) => s.ResetPasswordAsync(Actor, id, "Secret#99999", CancellationToken.None));
        yield return Change("revoke sessions", AuditActions.SessionsRevoked, (s, id) => s.RevokeSessionsAsync(Actor, id, CancellationToken.None));

        static TestCaseData Change(string name, string action, Func<UserAdminService, string, Task<AdminOutcome>> run) =>
            new TestCaseData(action, run).SetArgDisplayNames(name);
    }

    [TestCaseSource(nameof(Changes))]
    public async Task Every_change_audits_once_and_answers_with_the_user_as_read_after_it(string action, Func<UserAdminService, string, Task<AdminOutcome>> run)
    {
        // Arrange: the store answers every change; the second read of bob shows what the change did.
        ArrangeStoreAccepts();
        var after = Bob with { DisplayName = "Bob, after the change" };
        var reads = 0;
        users.Setup(u => u.FindAsync("bob-id", It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Interlocked.Increment(ref reads) == 1 ? Bob : after);

        // Act
        var outcome = await run(service, "bob-id");

        // Assert
        Assert.That(outcome, Is.EqualTo(new AdminOutcome.Done(after)), "the answer is the user read after the change, not the one read before");
        Assert.That(written, Has.Count.EqualTo(1), "one audit entry per change");
        Assert.That(
            (written[0].Action, written[0].ActorId, written[0].TargetUserId, written[0].TargetUserName),
            Is.EqualTo((action, Actor.Id, "bob-id", "bob")));
    }

    [TestCaseSource(nameof(Changes))]
    public async Task A_change_the_store_cannot_make_is_not_found_and_neither_revokes_nor_audits(string action, Func<UserAdminService, string, Task<AdminOutcome>> run)
    {
        // Arrange: bob is found, then gone before the change is made (deleted meanwhile).
        ArrangeStoreAccepts(accepts: false);

        // Act
        var outcome = await run(service, "bob-id");

        // Assert
        Assert.That(outcome, Is.EqualTo(AdminOutcome.NotFound), action + " of a user who is gone");
        builder.Store.Verify(s => s.RevokeUserSessionsAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<Guid?>(), It.IsAny<CancellationToken>()), Times.Never, "sessions end only once the change is made");
        Assert.That(written, Is.Empty, "nothing was done, so nothing is audited");
    }

    [Test]
    public async Task Updating_the_profile_audits_the_email_change_but_not_the_display_name_text()
    {
        users.Setup(u => u.UpdateProfileAsync("bob-id", "Robert", "robert@x.test", It.IsAny<CancellationToken>())).ReturnsAsync(ValidationOutcome.Ok);

        var outcome = await service.UpdateProfileAsync(Actor, "bob-id", "  Robert ", "robert@x.test", CancellationToken.None);

        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Done>(), "the display name is trimmed before it is stored");
        Assert.That(written.Single().Detail, Is.EqualTo("email: bob@x.test -> robert@x.test; display name changed"));
    }

    private static void AssertRefused(AdminOutcome outcome, string reason)
    {
        Assert.That(outcome, Is.InstanceOf<AdminOutcome.Refused>(), "expected a 409-style refusal: " + reason);
        var refused = (AdminOutcome.Refused)outcome;
        Assert.That(refused.Title + " " + refused.Detail, Does.Contain(reason), "the refusal says why");
    }

    [Test]
    public async Task Two_admins_demoting_each_other_at_once_cannot_both_succeed()
    {
        var admins = new List<string> { "admin-id", "other-id" };
        var secondCheckStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var checks = 0;
        users.Setup(u => u.ListActiveMembersAsync(AppRoles.Admin, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Returns(() =>
            {
                if (Interlocked.Increment(ref checks) == 2)
                {
                    secondCheckStarted.TrySetResult();
                }

                lock (admins)
                {
                    return Task.FromResult<IReadOnlyList<string>>(admins.ToList());
                }
            });
        users.Setup(u => u.SetRolesAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>()))
            .Returns<string, IReadOnlyList<string>, CancellationToken>(async (id, _, _) =>
            {
                // The first demotion pauses between its check and its change until the other has checked too:
                // without serialisation both would see two admins. The gate makes the other wait instead.
                await Task.WhenAny(secondCheckStarted.Task, Task.Delay(TimeSpan.FromSeconds(1)));
                lock (admins)
                {
                    admins.Remove(id);
                }

                return true;
            });

        var outcomes = await Task.WhenAll(
            Task.Run(() => service.SetRolesAsync(Actor, "other-id", ["User"], CancellationToken.None)),
            Task.Run(() => service.SetRolesAsync(new AdminActor("other-id", "other"), "admin-id", ["User"], CancellationToken.None)));

        Assert.That(outcomes.Count(o => o is AdminOutcome.Done), Is.EqualTo(1), "exactly one demotion may go through");
        Assert.That(outcomes.Count(o => o is AdminOutcome.Refused), Is.EqualTo(1), "the other finds the last admin and is refused");
        Assert.That(admins, Has.Count.EqualTo(1), "one admin is left");
    }

    /// <summary>A session of <paramref name="userId"/>'s that this instance's cache holds as active.</summary>
    private Guid CachedActiveSession(string userId)
    {
        var now = builder.Clock.GetUtcNow();
        var session = new Session { Id = Guid.NewGuid(), UserId = userId, CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(14) };
        Assert.That(builder.Cache.Set(session.Id, userId, session, now, builder.Cache.Generation), Is.True, "arranged: cached as active");
        return session.Id;
    }

    private void ActiveAdmins(params string[] ids) =>
        users.Setup(u => u.ListActiveMembersAsync(AppRoles.Admin, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(ids);

    private void ArrangeStoreAccepts(bool accepts = true)
    {
        var outcome = accepts ? ValidationOutcome.Ok : null;
        users.Setup(u => u.UpdateProfileAsync(It.IsAny<string>(), It.IsAny<string?>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(outcome);
        users.Setup(u => u.ResetPasswordAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(outcome);
        users.Setup(u => u.SetRolesAsync(It.IsAny<string>(), It.IsAny<IReadOnlyList<string>>(), It.IsAny<CancellationToken>())).ReturnsAsync(accepts);
        users.Setup(u => u.LockAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(accepts);
        users.Setup(u => u.UnlockAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(accepts);
        users.Setup(u => u.RenewSecurityStampAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(accepts);
    }
}
