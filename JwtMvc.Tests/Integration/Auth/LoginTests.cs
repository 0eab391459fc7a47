using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

public sealed class LoginTests : AppFixture
{
    [Test]
    public async Task Login_returns_an_access_token_and_sets_a_strict_httponly_refresh_cookie()
    {
        var client = Factory.CreateBrowserClient();

        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName = "alice", password = "Alice#12345" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = (await response.Content.ReadFromJsonAsync<SessionBody>())!;
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("jwtmvc.refresh=", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(body.TokenType, Is.EqualTo("Bearer"));
            Assert.That(body.ExpiresIn, Is.EqualTo(15 * 60));
            Assert.That(body.ExpiresAt, Is.EqualTo(Factory.Clock.GetUtcNow().AddMinutes(15)).Within(TimeSpan.FromSeconds(1)));
            Assert.That(body.User.UserName, Is.EqualTo("alice"));
            Assert.That(body.User.Roles, Is.EqualTo(new[] { "User" }));
            Assert.That(cookie, Does.Contain("httponly").IgnoreCase, "scripts must not read the refresh token");
            Assert.That(cookie, Does.Contain("samesite=strict").IgnoreCase);
            Assert.That(cookie, Does.Contain("path=/api/auth").IgnoreCase, "the cookie goes to the auth endpoints only");
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True, "token responses must not be cached");
        });
    }

    [Test]
    public async Task Login_accepts_the_email_in_place_of_the_user_name()
    {
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "alice@jwtmvc.local", password = "Alice#12345" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Wrong_password_and_unknown_user_get_the_same_401_and_body()
    {
        var client = Factory.CreateClient();

        var wrongPassword = await client.PostAsJsonAsync("/api/auth/login", new { userName = "bob", password = "not-his-password" });
        var unknownUser = await client.PostAsJsonAsync("/api/auth/login", new { userName = "nobody-here", password = "whatever" });

        Assert.That(wrongPassword.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(unknownUser.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await WithoutTraceId(unknownUser), Is.EqualTo(await WithoutTraceId(wrongPassword)), "the answer must not reveal which user names exist");
        Assert.That(wrongPassword.Headers.Contains("Set-Cookie"), Is.False, "a failed login sets no cookie");
    }

    [Test]
    public async Task Login_with_missing_fields_is_a_validation_problem_per_field()
    {
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = "" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(body, Does.Contain("\"userName\"").And.Contain("\"password\""), "errors are keyed by the camelCase field");
    }

    [Test]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await Factory.CreateClient().PostAsync("/api/auth/login", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Five_wrong_passwords_lock_the_account_and_then_the_right_one_gets_423()
    {
        var client = Factory.CreateClient();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var failed = await client.PostAsJsonAsync("/api/auth/login", new { userName = "bob", password = $"wrong-{attempt}" });
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"attempt {attempt} is a plain failure");
        }

        var rightPassword = await client.PostAsJsonAsync("/api/auth/login", new { userName = "bob", password = "Bob#12345" });
        var wrongPassword = await client.PostAsJsonAsync("/api/auth/login", new { userName = "bob", password = "wrong-again" });

        Assert.That(rightPassword.StatusCode, Is.EqualTo((HttpStatusCode)423), "locked out for 5 minutes even with the right password");
        Assert.That(wrongPassword.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a wrong password while locked reveals nothing");
    }

    private static async Task<string> WithoutTraceId(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        body!.Remove("traceId");
        return string.Join(";", body.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
    }
}
