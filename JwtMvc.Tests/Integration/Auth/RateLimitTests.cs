using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

public sealed class RateLimitTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?>
    {
        ["RateLimiting:Auth:PermitLimit"] = "3",
        ["RateLimiting:Auth:WindowSeconds"] = "60",
    });

    [Test]
    public async Task Too_many_login_attempts_from_one_client_get_429_with_retry_after()
    {
        var client = Factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage last = null!;
        for (var i = 0; i < 4; i++)
        {
            last = await client.PostAsJsonAsync("/api/auth/login", new { userName = "alice", password = $"guess-{i}" });
            statuses.Add(last.StatusCode);
        }

        Assert.That(statuses.Take(3), Is.All.EqualTo(HttpStatusCode.Unauthorized), "the first three attempts are checked");
        Assert.That(statuses[3], Is.EqualTo(HttpStatusCode.TooManyRequests), "the fourth within the window is refused");
        Assert.That(int.Parse(last.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), Is.InRange(1, 60));
        Assert.That(last.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));

        var token = await client.PostAsync("/api/auth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }));
        Assert.That(token.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the token endpoint shares the password-guessing budget");
    }
}
