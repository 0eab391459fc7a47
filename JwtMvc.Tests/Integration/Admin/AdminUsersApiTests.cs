using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Admin;

/// <summary>What each /api/admin/users endpoint does, through the real HTTP API.</summary>
public sealed class AdminUsersApiTests
{
    private const string Password = "Strong#12345";

    private JwtMvcFactory factory = null!;
    private SignedInClient admin = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new JwtMvcFactory();
        admin = await factory.LoginAsync("admin");
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task Listing_finds_users_by_part_of_their_user_name_or_email_ignoring_case()
    {
        var byName = await ListAsync("?search=BO");
        var byEmail = await ListAsync("?search=alice%40jwtmvc");

        Assert.That(byName.Items.Select(u => u.UserName), Does.Contain("bob").And.Not.Contain("alice"), "user name contains, any case");
        Assert.That(byEmail.Items.Select(u => u.UserName), Is.EqualTo(new[] { "alice" }), "e-mail contains");
        Assert.That(byEmail.TotalCount, Is.EqualTo(1));
        var bob = byName.Items.Single(u => u.UserName == "bob");
        Assert.That(bob, Has.Property(nameof(AdminUserBody.DisplayName)).EqualTo("Bob")
            .And.Property(nameof(AdminUserBody.Email)).EqualTo("bob@jwtmvc.local")
            .And.Property(nameof(AdminUserBody.Roles)).EqualTo(new[] { "User" })
            .And.Property(nameof(AdminUserBody.LockedOut)).False
            .And.Property(nameof(AdminUserBody.EmailConfirmed)).True, "each item carries what the table shows");
    }

    [Test]
    public async Task Listing_is_paged_in_user_name_order_with_the_total_count()
    {
        var first = await ListAsync("?page=1&pageSize=2");
        var second = await ListAsync("?page=2&pageSize=2");

        Assert.That(first.Items, Has.Length.EqualTo(2));
        Assert.That(first.TotalCount, Is.GreaterThanOrEqualTo(3).And.EqualTo(second.TotalCount), "the total counts every match, not the page");
        var names = first.Items.Concat(second.Items).Select(u => u.UserName).ToList();
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.OrdinalIgnoreCase).And.Unique, "pages follow each other in user name order");
    }

    [Test]
    public async Task Listing_counts_each_users_active_sessions()
    {
        var name = AdminApi.NewUserName();
        await admin.CreateUserAsync(name);
        await factory.LoginAsync(name, Password);
        await factory.LoginAsync(name, Password);

        var user = await admin.FindUserAsync(name);

        Assert.That(user.ActiveSessions, Is.EqualTo(2), "two sign-ins, two sessions");
    }

    [TestCase("?page=0")]
    [TestCase("?pageSize=0")]
    [TestCase("?pageSize=101")]
    public async Task Listing_with_bad_paging_is_a_validation_problem(string query)
    {
        var response = await admin.GetAsync("/api/admin/users" + query);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Creating_a_user_answers_201_with_its_location_and_the_user_can_sign_in_with_their_display_name()
    {
        var name = AdminApi.NewUserName();

        var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/users",
            new { userName = name, email = name + "@example.test", password = Password, roles = new[] { "user" }, displayName = "  Dora Explorer " });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var created = (await response.Content.ReadFromJsonAsync<AdminUserBody>())!;
        Assert.That(response.Headers.Location?.AbsolutePath, Is.EqualTo("/api/admin/users/" + created.Id));
        Assert.That(created.Roles, Is.EqualTo(new[] { "User" }), "roles are matched ignoring case and stored under their own name");
        Assert.That((await admin.GetAsync(response.Headers.Location!.ToString())).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the location names the user");
        var signedIn = await factory.LoginAsync(name, Password);
        var me = (await (await signedIn.GetAsync("/api/me")).Content.ReadFromJsonAsync<MeBody>())!;
        Assert.That(me.DisplayName, Is.EqualTo("Dora Explorer"), "the display name (trimmed) reaches /api/me, and so the nav bar");
    }

    [Test]
    public async Task Creating_a_user_with_a_weak_password_lists_each_failed_rule_under_password()
    {
        var problem = await CreateExpectingProblemAsync(new { userName = AdminApi.NewUserName(), email = "weak@example.test", password = "weak", roles = new[] { "User" } });

        Assert.That(problem.Errors, Does.ContainKey("password"));
        Assert.That(problem.Errors!["password"], Has.Length.GreaterThanOrEqualTo(3), "length, digit, upper case, non-alphanumeric: one message per rule");
    }

    [Test]
    public async Task Creating_a_user_with_an_invalid_or_taken_user_name_is_a_problem_under_userName()
    {
        var invalid = await CreateExpectingProblemAsync(new { userName = "bad name!", email = "x1@example.test", password = Password });
        var taken = await CreateExpectingProblemAsync(new { userName = "bob", email = "x2@example.test", password = Password });
        var email = await CreateExpectingProblemAsync(new { userName = AdminApi.NewUserName(), email = "alice@jwtmvc.local", password = Password });

        Assert.That(invalid.Errors, Does.ContainKey("userName"), "Identity's allowed characters");
        Assert.That(taken.Errors, Does.ContainKey("userName"), "user names are unique");
        Assert.That(email.Errors, Does.ContainKey("email"), "e-mails are unique");
    }

    [Test]
    public async Task Creating_a_user_with_an_unknown_role_is_a_problem_under_roles_and_creates_nobody()
    {
        var name = AdminApi.NewUserName();

        var problem = await CreateExpectingProblemAsync(new { userName = name, email = name + "@example.test", password = Password, roles = new[] { "User", "Root" } });

        Assert.That(problem.Errors, Does.ContainKey("roles"));
        Assert.That((await ListAsync("?search=" + name)).TotalCount, Is.Zero, "nothing is created");
    }

    [Test]
    public async Task A_display_name_over_100_characters_is_refused()
    {
        var name = AdminApi.NewUserName();

        var problem = await CreateExpectingProblemAsync(new { userName = name, email = name + "@example.test", password = Password, displayName = new string('x', 101) });

        Assert.That(problem.Errors, Does.ContainKey("displayName"));
    }

    [Test]
    public async Task Updating_sets_the_display_name_and_email_and_answers_the_user()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName(), displayName: "Old");

        var response = await admin.SendAsync(HttpMethod.Put, "/api/admin/users/" + user.Id, new { displayName = "New Name", email = "renamed-" + user.UserName + "@example.test" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var updated = (await response.Content.ReadFromJsonAsync<AdminUserBody>())!;
        Assert.That(updated.DisplayName, Is.EqualTo("New Name"));
        Assert.That(updated.Email, Is.EqualTo("renamed-" + user.UserName + "@example.test"));
        var audit = await admin.AuditOfAsync(user.Id);
        Assert.That(audit[0].Action, Is.EqualTo("profile-updated"));
        Assert.That(audit[0].Detail, Does.Contain("renamed-").And.Contain("display name changed"));
    }

    [Test]
    public async Task Updating_with_an_email_another_user_has_is_a_problem_under_email()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());

        var response = await admin.SendAsync(HttpMethod.Put, "/api/admin/users/" + user.Id, new { displayName = "x", email = "bob@jwtmvc.local" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<ProblemBody>())!.Errors, Does.ContainKey("email"));
    }

    [Test]
    public async Task Locking_ends_the_users_access_at_once_and_keeps_them_out_indefinitely()
    {
        var (user, session) = await CreateSignedInUserAsync();

        var response = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/lock");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var locked = (await response.Content.ReadFromJsonAsync<AdminUserBody>())!;
        Assert.That(locked.LockedOut, Is.True);
        Assert.That(locked.LockoutEnd, Is.EqualTo(DateTimeOffset.MaxValue), "no until: locked indefinitely");
        await AssertAccessEndedAsync(session, "locking");
        Assert.That(await LoginStatusAsync(user.UserName, Password), Is.EqualTo(HttpStatusCode.Locked), "a locked user cannot sign in again");
        Assert.That((await admin.AuditOfAsync(user.Id))[0], Has.Property(nameof(AuditEntryBody.Action)).EqualTo("locked").And.Property(nameof(AuditEntryBody.Detail)).Contains("indefinitely"));
    }

    [Test]
    public async Task Locking_until_a_time_keeps_that_time_and_unlocking_lets_the_user_in_again()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());
        var until = factory.Clock.GetUtcNow().AddHours(2);

        var locked = (await (await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/lock", new { until })).Content.ReadFromJsonAsync<AdminUserBody>())!;
        var unlock = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/unlock");

        Assert.That(locked.LockoutEnd, Is.EqualTo(until).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(unlock.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await unlock.Content.ReadFromJsonAsync<AdminUserBody>())!.LockedOut, Is.False);
        Assert.That(await LoginStatusAsync(user.UserName, Password), Is.EqualTo(HttpStatusCode.OK), "unlocked users sign in");
        Assert.That((await admin.AuditOfAsync(user.Id)).Select(e => e.Action), Is.EqualTo(new[] { "unlocked", "locked", "user-created" }), "newest first");
    }

    [Test]
    public async Task Locking_until_a_past_time_is_a_problem_under_until()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());

        var response = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/lock", new { until = factory.Clock.GetUtcNow().AddMinutes(-1) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<ProblemBody>())!.Errors, Does.ContainKey("until"));
        Assert.That((await admin.FindUserAsync(user.UserName)).LockedOut, Is.False, "nothing is locked");
    }

    [Test]
    public async Task Resetting_the_password_ends_the_users_access_and_only_the_new_password_works()
    {
        var (user, session) = await CreateSignedInUserAsync();

        var response = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/reset-password", new { newPassword = "Changed#67890" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertAccessEndedAsync(session, "a password reset");
        Assert.That(await LoginStatusAsync(user.UserName, Password), Is.EqualTo(HttpStatusCode.Unauthorized), "the old password is gone");
        Assert.That(await LoginStatusAsync(user.UserName, "Changed#67890"), Is.EqualTo(HttpStatusCode.OK));
        var audit = (await admin.AuditOfAsync(user.Id))[0];
        Assert.That(audit.Action, Is.EqualTo("password-reset"));
        Assert.That(audit.Detail, Does.Not.Contain("Changed#67890"), "the audit trail holds no secret");
    }

    [Test]
    public async Task Resetting_to_a_weak_password_is_a_problem_under_newPassword_and_keeps_the_sessions()
    {
        var (user, session) = await CreateSignedInUserAsync();

        var response = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/reset-password", new { newPassword = "short" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<ProblemBody>())!.Errors, Does.ContainKey("newPassword"));
        Assert.That((await session.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a refused reset changes nothing");
    }

    [Test]
    public async Task Changing_roles_ends_the_users_access_and_the_next_sign_in_carries_the_new_roles()
    {
        var (user, session) = await CreateSignedInUserAsync();

        var response = await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/roles", new { roles = new[] { "User", "Admin" } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await response.Content.ReadFromJsonAsync<AdminUserBody>())!.Roles, Is.EqualTo(new[] { "Admin", "User" }));
        await AssertAccessEndedAsync(session, "a role change");
        var again = await factory.LoginAsync(user.UserName, Password);
        Assert.That((await again.GetAsync("/api/admin/users")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the new role works after signing in again");
        Assert.That((await admin.AuditOfAsync(user.Id))[0].Detail, Does.Contain("roles: User -> Admin, User"));
    }

    [Test]
    public async Task Changing_roles_to_an_unknown_role_is_a_problem_under_roles()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());

        var response = await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/roles", new { roles = new[] { "Superuser" } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<ProblemBody>())!.Errors, Does.ContainKey("roles"));
    }

    [Test]
    public async Task Deleting_a_user_answers_204_and_ends_their_access()
    {
        var (user, session) = await CreateSignedInUserAsync();

        var response = await admin.SendAsync(HttpMethod.Delete, "/api/admin/users/" + user.Id);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await AssertAccessEndedAsync(session, "deleting the user");
        Assert.That((await admin.GetAsync("/api/admin/users/" + user.Id)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the user is gone");
        Assert.That(await LoginStatusAsync(user.UserName, Password), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Sessions_lists_the_users_active_sessions_and_revoking_ends_them_all()
    {
        var (user, session) = await CreateSignedInUserAsync();

        var listed = (await (await admin.GetAsync($"/api/admin/users/{user.Id}/sessions")).Content.ReadFromJsonAsync<ItemsBody<AdminSessionBody>>())!.Items;
        var revoke = await admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{user.Id}/sessions");
        var after = (await (await admin.GetAsync($"/api/admin/users/{user.Id}/sessions")).Content.ReadFromJsonAsync<ItemsBody<AdminSessionBody>>())!.Items;

        Assert.That(listed, Has.Length.EqualTo(1));
        Assert.That(listed[0].CreatedAt, Is.EqualTo(factory.Clock.GetUtcNow()).Within(TimeSpan.FromSeconds(1)));
        Assert.That(listed[0].ExpiresAt, Is.EqualTo(listed[0].CreatedAt.AddDays(14)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(after, Is.Empty);
        await AssertAccessEndedAsync(session, "revoking the sessions");
        Assert.That((await admin.AuditOfAsync(user.Id))[0], Has.Property(nameof(AuditEntryBody.Action)).EqualTo("sessions-revoked").And.Property(nameof(AuditEntryBody.Detail)).EqualTo("1 session revoked"));
    }

    [Test]
    public async Task An_admin_cannot_lock_delete_or_demote_themselves()
    {
        var self = await admin.FindUserAsync("admin");

        var lockSelf = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{self.Id}/lock");
        var deleteSelf = await admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{self.Id}");
        var demoteSelf = await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{self.Id}/roles", new { roles = new[] { "User" } });

        foreach (var (response, what) in new[] { (lockSelf, "lock"), (deleteSelf, "delete"), (demoteSelf, "demote") })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), what + " oneself");
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That((await response.Content.ReadFromJsonAsync<ProblemBody>())!.Detail, Does.Contain("cannot"), "the problem says why");
        }

        Assert.That((await admin.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the admin's own session goes on");
        Assert.That((await admin.FindUserAsync("admin")).Roles, Does.Contain("Admin"));
    }

    [Test]
    public async Task Every_admin_action_is_in_the_audit_trail_with_its_actor_newest_first()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());
        await admin.SendAsync(HttpMethod.Put, "/api/admin/users/" + user.Id, new { displayName = "D", email = user.Email });
        await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}/roles", new { roles = new[] { "User", "Admin" } });
        await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/lock");
        await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/unlock");
        await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/reset-password", new { newPassword = "Another#12345" });
        await admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{user.Id}/sessions");

        var audit = await admin.AuditOfAsync(user.Id);

        Assert.That(audit.Select(e => e.Action), Is.EqualTo(new[]
        {
            "sessions-revoked", "password-reset", "unlocked", "locked", "roles-changed", "profile-updated", "user-created",
        }));
        Assert.That(audit.Select(e => e.Actor), Is.All.EqualTo("admin"), "who did it");
        Assert.That(audit.Select(e => e.Detail ?? ""), Has.None.Contains("Another#12345").And.None.Contains(Password), "no secrets");
        Assert.That(audit[0].At, Is.EqualTo(factory.Clock.GetUtcNow()).Within(TimeSpan.FromSeconds(1)), "when, on the app's clock");
    }

    [Test]
    public async Task Deleting_a_user_is_audited_and_the_entry_outlives_them()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());

        await admin.SendAsync(HttpMethod.Delete, "/api/admin/users/" + user.Id);

        using var scope = factory.Services.CreateScope();
        var log = scope.ServiceProvider.GetRequiredService<JwtMvc.Core.Admin.IAuditLog>();
        var entries = await log.ListForUserAsync(user.Id, 10, CancellationToken.None);
        Assert.That(entries.Select(e => e.Action), Is.EqualTo(new[] { "user-deleted", "user-created" }));
        Assert.That(entries[0].TargetUserName, Is.EqualTo(user.UserName));
        Assert.That(entries[0].ActorUserName, Is.EqualTo("admin"));
    }

    private async Task<(AdminUserBody User, SignedInClient Session)> CreateSignedInUserAsync()
    {
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());
        var session = await factory.LoginAsync(user.UserName, Password);
        Assert.That((await session.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "signed in before the admin acts");
        return (user, session);
    }

    private static async Task AssertAccessEndedAsync(SignedInClient session, string what)
    {
        var me = await session.GetAsync("/api/me");
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"after {what} the user's current access token is refused at once");
        Assert.That(me.Headers.WwwAuthenticate.ToString(), Does.Contain("invalid_token"));
        Assert.That((await session.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"after {what} the refresh token fails");
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string userName, string password) =>
        (await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password })).StatusCode;

    private async Task<AdminUserPageBody> ListAsync(string query)
    {
        var response = await admin.GetAsync("/api/admin/users" + query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), query);
        return (await response.Content.ReadFromJsonAsync<AdminUserPageBody>())!;
    }

    private async Task<ProblemBody> CreateExpectingProblemAsync(object body)
    {
        var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/users", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
    }
}
