using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Whose budget a sign-in attempt spends: an IPv4 address, or an IPv6 /64.</summary>
public sealed class RateLimitPartitionTests
{
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
