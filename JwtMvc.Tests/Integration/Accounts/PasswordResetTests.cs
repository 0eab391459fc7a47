using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class PasswordResetTests : EmailFixture
{
    private const string ResetSubject = "Reset your JwtMvc password";
    private const string NewPassword = "Renewed#54321";

    [Test]
    public async Task Forgot_password_mails_a_reset_link_that_sets_a_new_password_and_ends_every_session()
    {
        var account = await RegisterAsync();
        var first = await Factory.LoginAsync(account.UserName, account.Password);
        var second = await Factory.LoginAsync(account.UserName, account.Password);

        var asked = await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);
        var reset = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = NewPassword });

        Assert.That(asked.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(link.Path, Is.EqualTo("/account/reset-password"));
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await reset.Content.ReadAsStringAsync());
        Assert.That((await first.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a reset ends every session");
        Assert.That((await second.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a reset ends every session at once");
        Assert.That((await LoginStatusAsync(account.UserName, account.Password)), Is.EqualTo(HttpStatusCode.Unauthorized), "the old password no longer works");
        Assert.That((await LoginStatusAsync(account.UserName, NewPassword)), Is.EqualTo(HttpStatusCode.OK), "the new password works");
    }

    [Test]
    public async Task A_password_reset_by_mail_is_recorded_as_a_password_change()
    {
        var account = await RegisterAsync();
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);

        await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = NewPassword });

        var admin = await Factory.LoginAsync("admin");
        var events = await admin.SecurityEventsAsync(JwtMvc.Core.Security.SecurityEventTypes.PasswordChanged, link.UserId);
        Assert.That(events.Select(e => e.Detail), Is.EqualTo(new[] { "reset with a link sent by e-mail" }));
        Assert.That(events[0].UserName, Is.EqualTo(account.UserName));
    }

    [Test]
    public async Task A_reset_link_works_once()
    {
        var account = await RegisterAsync();
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);

        var used = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = NewPassword });
        var again = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = "Another#77777" });

        Assert.That(used.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await AssertCodeRefusedAsync(again, "a used reset link must be refused");
        Assert.That(await LoginStatusAsync(account.UserName, NewPassword), Is.EqualTo(HttpStatusCode.OK), "the refused second use changed nothing");
    }

    [Test]
    public async Task A_reset_link_expires_after_ResetCodeMinutes()
    {
        var account = await RegisterAsync();
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);

        Factory.Clock.Advance(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(1));
        var late = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = NewPassword });

        await AssertCodeRefusedAsync(late, "a reset link older than Accounts:ResetCodeMinutes (30) must be refused");
        Assert.That(await LoginStatusAsync(account.UserName, account.Password), Is.EqualTo(HttpStatusCode.OK), "the password is unchanged");
    }

    [Test]
    public async Task A_reset_link_still_works_just_before_ResetCodeMinutes()
    {
        var account = await RegisterAsync();
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);

        Factory.Clock.Advance(TimeSpan.FromMinutes(29));
        var reset = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = NewPassword });

        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "the link works for 30 minutes");
    }

    [Test]
    public async Task A_tampered_code_or_another_users_id_is_refused_under_code()
    {
        var account = await RegisterAsync();
        var other = await RegisterAsync();
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);
        await PostAsync("/api/account/forgot-password", new { email = other.Email });
        var otherLink = await WaitForLinkAsync(other.Email, ResetSubject);

        var tampered = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code[..^4] + "AAAA", newPassword = NewPassword });
        var foreign = await PostAsync("/api/account/reset-password", new { userId = otherLink.UserId, code = link.Code, newPassword = NewPassword });
        var unknown = await PostAsync("/api/account/reset-password", new { userId = Guid.NewGuid().ToString(), code = link.Code, newPassword = NewPassword });

        await AssertCodeRefusedAsync(tampered, "a tampered code");
        await AssertCodeRefusedAsync(foreign, "a code made for another user");
        await AssertCodeRefusedAsync(unknown, "an unknown user id answers like a bad code");
    }

    [Test]
    public async Task A_new_password_that_breaks_the_rules_is_refused_under_newPassword_and_the_link_still_works()
    {
        var account = await RegisterAsync();
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, ResetSubject);

        var weak = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = "short" });
        var problem = await weak.Content.ReadFromJsonAsync<ProblemBody>();
        var retry = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = NewPassword });

        Assert.That(weak.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!.Errors, Does.ContainKey("newPassword"));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "a refused reset changes nothing, the stamp included");
    }

    [Test]
    public async Task Missing_or_malformed_fields_are_400_per_field()
    {
        var forgot = await PostAsync("/api/account/forgot-password", new { email = "not-an-address" });
        var reset = await PostAsync("/api/account/reset-password", new { });

        var forgotProblem = await forgot.Content.ReadFromJsonAsync<ProblemBody>();
        var resetProblem = await reset.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.That(forgot.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(forgotProblem!.Errors, Does.ContainKey("email"));
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(resetProblem!.Errors!.Keys, Is.SupersetOf(new[] { "userId", "code", "newPassword" }));
    }

    [Test]
    public async Task Links_come_from_PublicBaseUrl_never_from_the_Host_header()
    {
        var account = await RegisterAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/forgot-password") { Content = JsonContent.Create(new { email = account.Email }) };
        request.Headers.Host = "evil.example";

        var response = await Factory.CreateClient().SendAsync(request);
        var message = await Smtp.WaitForMessageAsync(account.Email, ResetSubject);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(message.TextBody, Does.Not.Contain("evil.example"));
        Assert.That(MailLink.From(message).Url, Does.StartWith(BaseUrl + "/account/reset-password?userId="));
    }

    [Test]
    public async Task An_unknown_address_is_answered_the_same_and_gets_no_mail()
    {
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";

        var response = await PostAsync("/api/account/forgot-password", new { email = unknown });
        await WaitForOutboxDrainedAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
        Assert.That(Smtp.To(unknown), Is.Empty, "nobody owns the address: nothing is sent");
    }

    [Test]
    public async Task An_admin_can_mail_a_user_a_reset_link_and_it_is_audited()
    {
        var account = await RegisterAsync();
        var admin = await Factory.LoginAsync("admin");
        var user = await admin.FindUserAsync(account.UserName);

        var response = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{user.Id}/send-reset");
        var link = await WaitForLinkAsync(account.Email, ResetSubject);
        var audit = await admin.AuditOfAsync(user.Id);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(link.UserId, Is.EqualTo(user.Id));
        Assert.That(audit.Select(e => e.Action), Does.Contain("reset-mail-sent"));
    }

    [Test]
    public async Task Only_admins_may_send_reset_mails_and_an_unknown_user_is_404()
    {
        var alice = await Factory.LoginAsync("alice");
        var admin = await Factory.LoginAsync("admin");

        var byUser = await alice.SendAsync(HttpMethod.Post, $"/api/admin/users/{Guid.NewGuid()}/send-reset");
        var unknown = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{Guid.NewGuid()}/send-reset");

        Assert.That(byUser.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private async Task<HttpStatusCode> LoginStatusAsync(string userName, string password) =>
        (await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password })).StatusCode;

    private static async Task AssertCodeRefusedAsync(HttpResponseMessage response, string because)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), because);
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();
        Assert.That(problem!.Errors, Does.ContainKey("code"), because);
    }
}
