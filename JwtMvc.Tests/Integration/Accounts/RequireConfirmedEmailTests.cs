using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class RequireConfirmedEmailTests : EmailFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Accounts:RequireConfirmedEmail"] = "true",
    };

    [Test]
    public async Task Registration_answers_202_confirmation_required_and_the_account_signs_in_once_confirmed()
    {
        var account = await RegisterAsync(expected: HttpStatusCode.Accepted);

        var before = await LoginAsync(account.UserName, account.Password);
        var problem = await before.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        var link = await WaitForLinkAsync(account.Email, "Confirm your email address");
        await PostAsync("/api/account/confirm-email", new { userId = link.UserId, code = link.Code });
        var after = await LoginAsync(account.UserName, account.Password);

        Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "an unconfirmed user's right password gets no tokens");
        Assert.That(before.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(problem!["code"].ToString(), Is.EqualTo("email_not_confirmed"));
        Assert.That(before.Headers.Contains("Set-Cookie"), Is.False, "no refresh cookie either");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_wrong_password_of_an_unconfirmed_user_is_still_the_plain_401()
    {
        var account = await RegisterAsync(expected: HttpStatusCode.Accepted);

        var response = await LoginAsync(account.UserName, "Wrong#99999");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only the right password learns that the email is unconfirmed");
    }

    [Test]
    public async Task Registering_with_a_taken_email_answers_the_same_and_mails_its_owner()
    {
        var fresh = await Factory.CreateClient().PostAsJsonAsync("/api/account/register",
            new { userName = AdminApi.NewUserName("fresh"), email = $"fresh-{Guid.NewGuid():N}@example.test", password = "Fresh#12345" });
        var taken = await Factory.CreateClient().PostAsJsonAsync("/api/account/register",
            new { userName = AdminApi.NewUserName("copycat"), email = "bob@jwtmvc.local", password = "Fresh#12345" });

        var notice = await Smtp.WaitForMessageAsync("bob@jwtmvc.local", "Someone tried to create a JwtMvc account");

        Assert.That(taken.StatusCode, Is.EqualTo(fresh.StatusCode).And.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await taken.Content.ReadAsStringAsync(), Is.EqualTo(await fresh.Content.ReadAsStringAsync()).And.EqualTo("{\"confirmationRequired\":true}"));
        Assert.That(MailLink.From(notice).Path, Is.EqualTo("/account/forgot-password"));
    }

    [Test]
    public async Task A_registration_with_another_error_answers_the_same_for_a_taken_and_a_free_email()
    {
        // Identity reports a bad user name and a taken email together: the taken email must not change the answer.
        var free = await Factory.CreateClient().PostAsJsonAsync("/api/account/register",
            new { userName = "not a valid name", email = $"free-{Guid.NewGuid():N}@example.test", password = "Fresh#12345" });
        var taken = await Factory.CreateClient().PostAsJsonAsync("/api/account/register",
            new { userName = "not a valid name", email = "bob@jwtmvc.local", password = "Fresh#12345" });

        Assert.That(taken.StatusCode, Is.EqualTo(free.StatusCode).And.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await ErrorsOfAsync(taken), Is.EqualTo(await ErrorsOfAsync(free)));
    }

    [Test]
    public async Task The_token_endpoint_refuses_an_unconfirmed_user_too()
    {
        var account = await RegisterAsync(expected: HttpStatusCode.Accepted);

        var response = await Factory.CreateClient().PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = account.UserName,
            ["password"] = account.Password,
        }));
        var error = await response.Content.ReadFromJsonAsync<OAuthErrorBody>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(error!.Error, Is.EqualTo("invalid_grant"));
    }

    private static async Task<string> ErrorsOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("errors").GetRawText();

    private Task<HttpResponseMessage> LoginAsync(string userName, string password) =>
        Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password });
}
