using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Which endpoints spend the password-guessing budget, and whose budget: an IPv4 address, or an IPv6 /64.</summary>
public sealed class RateLimitPartitionTests
{
    private ClusterInstance limited = null!;

    [OneTimeSetUp]
    public void Start() => limited = new ClusterInstance(new Dictionary<string, string?> { ["RateLimiting:Auth:PermitLimit"] = "3" });

    [OneTimeTearDown]
    public void Stop() => limited.Dispose();

    // Each case from its own address, so each has a budget of its own.
    [TestCase("/api/auth/login/2fa", "198.51.100.21")]
    [TestCase("/api/auth/passkey/options", "198.51.100.22")]
    [TestCase("/api/auth/passkey/login", "198.51.100.23")]
    [TestCase("/api/account/forgot-password", "198.51.100.24")]
    [TestCase("/api/account/resend-confirmation", "198.51.100.25")]
    [TestCase("/api/account/reset-password", "198.51.100.26")]
    public async Task Every_endpoint_that_guesses_at_accounts_or_codes_spends_the_sign_in_budget(string path, string clientIp)
    {
        var answers = new List<HttpResponseMessage>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { }) };
            request.Headers.Add(ClusterInstance.ClientIpHeader, clientIp);
            answers.Add(await limited.CreateClient().SendAsync(request));
        }

        Assert.That(answers.Take(3).Select(a => a.StatusCode), Has.None.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(answers[3].StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the fourth within the window is refused");
        Assert.That(answers[3].Headers.Contains("Retry-After"), Is.True);
    }

    [Test]
    public async Task The_addresses_of_one_ipv6_64_share_one_budget_and_another_64_has_its_own()
    {
        using var app = new ClusterInstance(new Dictionary<string, string?> { ["RateLimiting:Auth:PermitLimit"] = "3" });

        var answers = new List<HttpStatusCode>();
        for (var host = 1; host <= 4; host++)
        {
            answers.Add((await app.FailLoginAsync($"2001:db8:1:2::{host:x}")).StatusCode);
        }

        var neighbour = await app.FailLoginAsync("2001:db8:1:3::1");

        Assert.That(answers.Take(3), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(answers[3], Is.EqualTo(HttpStatusCode.TooManyRequests), "a fourth address in the same /64 is the same client");
        Assert.That(neighbour.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the next /64 is another client");
    }

    [Test]
    public async Task Ipv4_addresses_each_have_their_own_budget()
    {
        using var app = new ClusterInstance(new Dictionary<string, string?> { ["RateLimiting:Auth:PermitLimit"] = "1" });

        var first = await app.FailLoginAsync("192.0.2.10");
        var second = await app.FailLoginAsync("192.0.2.11");

        Assert.That(new[] { first.StatusCode, second.StatusCode }, Is.All.EqualTo(HttpStatusCode.Unauthorized));
    }
}
