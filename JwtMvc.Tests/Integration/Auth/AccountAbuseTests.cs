using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>What someone guessing at accounts or passwords through the account endpoints learns and costs.</summary>
public sealed class AccountAbuseTests : AppFixture
{
    private const string NewPassword = "Strong#Passw0rd";

    [Test]
    public async Task Wrong_current_passwords_on_password_change_count_toward_the_lockout_like_failed_logins()
    {
        var userName = AdminApi.NewUserName("guessed");
        var victim = await Factory.NewCustomerAsync(userName);

        for (var i = 0; i < 5; i++)
        {
            var guess = await victim.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = $"guess-{i}", newPassword = NewPassword });
            Assert.That(guess.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"guess {i} is wrong");
        }

        var rightPassword = await victim.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = JwtMvcFactory.PasswordOf(userName), newPassword = NewPassword });
        var login = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password = JwtMvcFactory.PasswordOf(userName) });

        Assert.That(login.StatusCode, Is.EqualTo((HttpStatusCode)423), "five wrong current passwords lock the account as five failed logins do");
        Assert.That(rightPassword.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "while locked out, even the right current password changes nothing");
        Assert.That(await rightPassword.ValidationErrorsAsync("locked"), Does.ContainKey("currentPassword"));
    }

    [Test]
    public async Task A_right_current_password_clears_earlier_wrong_guesses()
    {
        var userName = AdminApi.NewUserName("forgetful");
        var user = await Factory.NewCustomerAsync(userName);
        for (var i = 0; i < 4; i++)
        {
            await user.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = $"typo-{i}", newPassword = NewPassword });
        }

        var change = await user.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = JwtMvcFactory.PasswordOf(userName), newPassword = NewPassword });
        var oneMoreTypo = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password = "typo" });
        var login = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password = NewPassword });

        Assert.That(change.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(oneMoreTypo.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the count started again after the right password, so one more typo does not lock");
    }

    [TestCase("alice", "new-address@example.test")]
    [TestCase("newcomer-x", "alice@jwtmvc.local")]
    [TestCase("alice", "alice@jwtmvc.local")]
    public async Task Registering_a_taken_name_or_email_gets_one_generic_answer_that_does_not_say_which(string userName, string email)
    {
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/account/register", new { userName, email, password = NewPassword });

        var errors = await response.ValidationErrorsAsync("a taken account is a validation problem");
        var text = string.Join(" ", errors.SelectMany(e => e.Value));
        Assert.That(errors.Keys, Is.EqualTo(new[] { "" }), "one error, under no field, so the field does not tell which is taken");
        Assert.That(text, Does.Contain("choose another user name or email").IgnoreCase);
        Assert.That(text, Does.Not.Contain("alice").IgnoreCase, "the answer does not echo the taken value");
        Assert.That(text, Does.Not.Contain("taken").IgnoreCase);
    }

    [Test]
    public async Task Registering_with_a_weak_password_still_lists_the_password_rules_under_password()
    {
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/account/register", new { userName = AdminApi.NewUserName("weak"), email = "weak@example.test", password = "short" });

        var errors = await response.ValidationErrorsAsync("a weak password is a validation problem");
        Assert.That(errors.Keys, Is.EqualTo(new[] { "password" }), "Identity's password rules stay per field");
    }

    [TestCase("/api/account/register", "password")]
    [TestCase("/api/auth/login", "password")]
    public async Task A_password_longer_than_256_characters_is_a_validation_problem_anonymous(string path, string field)
    {
        var response = await Factory.CreateClient().PostAsJsonAsync(path, new { userName = AdminApi.NewUserName("long"), email = "long@example.test", password = new string('x', 257) });

        var errors = await response.ValidationErrorsAsync("257 characters is one too many");
        Assert.That(errors, Does.ContainKey(field));
    }

    [Test]
    public async Task A_password_of_256_characters_is_accepted_at_registration()
    {
        var password = "Aa#1" + new string('x', 252);

        var response = await Factory.CreateClient().PostAsJsonAsync("/api/account/register", new { userName = AdminApi.NewUserName("longest"), email = $"{Guid.NewGuid():N}@example.test", password });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_password_longer_than_256_characters_is_refused_on_every_signed_in_endpoint()
    {
        var tooLong = new string('x', 257);
        var user = await Factory.NewCustomerAsync(AdminApi.NewUserName("changer"));
        var admin = await Factory.LoginAsync("admin");
        var target = await admin.CreateUserAsync(AdminApi.NewUserName("target"));

        var change = await user.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = tooLong, newPassword = tooLong });
        var create = await admin.SendAsync(HttpMethod.Post, "/api/admin/users", new { userName = AdminApi.NewUserName("made"), email = "made@example.test", password = tooLong, roles = Array.Empty<string>() });
        var reset = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{target.Id}/reset-password", new { newPassword = tooLong });

        Assert.That(await change.ValidationErrorsAsync("change password"), Does.ContainKey("currentPassword").And.ContainKey("newPassword"));
        Assert.That(await create.ValidationErrorsAsync("admin create"), Does.ContainKey("password"));
        Assert.That(await reset.ValidationErrorsAsync("admin reset"), Does.ContainKey("newPassword"));
    }

    [Test]
    public async Task A_password_longer_than_256_characters_at_the_token_endpoint_is_invalid_request()
    {
        var response = await Factory.CreateClient().PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "alice",
            ["password"] = new string('x', 257),
        }));

        var error = await response.ReadAsync<OAuthErrorBody>(HttpStatusCode.BadRequest, "an over-long password is a malformed request, not a wrong guess");
        Assert.That(error.Error, Is.EqualTo("invalid_request"));
    }
}

/// <summary>Registration and password changes spend the sign-in budget of the client's address.</summary>
public sealed class AccountRateLimitTests
{
    [Test]
    public async Task Every_registration_attempt_counts_toward_the_login_rate_limit()
    {
        using var factory = LimitedFactory();
        var client = factory.CreateClient();
        var attempts = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add((await client.PostAsJsonAsync("/api/account/register", new { userName = "alice", email = $"probe{i}@example.test", password = "Strong#Passw0rd" })).StatusCode);
        }

        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "alice", password = JwtMvcFactory.PasswordOf("alice") });

        Assert.That(attempts, Is.All.EqualTo(HttpStatusCode.BadRequest), "three probes for a taken name");
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the probes used up the sign-in budget");
    }

    [Test]
    public async Task Password_changes_are_rate_limited_like_login()
    {
        using var factory = LimitedFactory();
        var alice = await factory.LoginAsync("alice"); // one of the three
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await alice.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = $"guess-{i}", newPassword = "Strong#Passw0rd" })).StatusCode);
        }

        Assert.That(statuses.Take(2), Is.All.EqualTo(HttpStatusCode.BadRequest), "the guesses within the budget are checked");
        Assert.That(statuses[2], Is.EqualTo(HttpStatusCode.TooManyRequests), "the guess past the budget is refused unchecked");
    }

    [TestCase("/api/account/email")]
    [TestCase("/api/account/2fa/recovery-codes")]
    [TestCase("/api/account/2fa/disable")]
    public async Task Other_requests_that_check_the_password_spend_the_same_budget_even_with_the_right_one(string path)
    {
        using var factory = LimitedFactory();
        var alice = await factory.LoginAsync("alice"); // one of the three
        var body = new { password = JwtMvcFactory.PasswordOf("alice"), newEmail = "alice-new@example.test" };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await alice.SendAsync(HttpMethod.Post, path, body)).StatusCode);
        }

        Assert.That(statuses.Take(2), Is.All.Not.EqualTo(HttpStatusCode.TooManyRequests), "the requests within the budget are answered");
        Assert.That(statuses[2], Is.EqualTo(HttpStatusCode.TooManyRequests), "the password check past the budget is refused unchecked");
        var login = await factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "alice", password = JwtMvcFactory.PasswordOf("alice") });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "one budget with sign-in");
    }

    private static JwtMvcFactory LimitedFactory() => new(new Dictionary<string, string?>
    {
        ["RateLimiting:Auth:PermitLimit"] = "3",
        ["RateLimiting:Auth:WindowSeconds"] = "60",
    });
}
