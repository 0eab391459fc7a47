using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>Redis down when the app starts: it starts and serves anyway, and connects once Redis is there.</summary>
public sealed class RedisStartupTests
{
    [Test]
    public async Task An_instance_started_while_redis_is_down_serves_then_connects_and_hears_revocations()
    {
        using var redis = RedisServer.Create(); // not started
        var settings = new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration, ["Redis:KeyPrefix"] = "startup:" };
        using var first = new ClusterInstance(settings);
        using var second = new ClusterInstance(settings, first.DatabasePath) { SigningKey = first.SigningKey, Clock = first.Clock };

        var health = await second.HealthAsync();
        var alice = await first.LoginAsync("alice");
        Assert.That(health.Status, Is.EqualTo("Degraded"), "started without Redis: Degraded, and serving");
        Assert.That(health.Checks["redis"].Description, Does.Contain("Redis is unavailable"));

        redis.Restart();
        Assert.That(await first.WaitForHealthAsync("Healthy", TimeSpan.FromSeconds(20)), Is.True, "the first instance connects by itself");
        Assert.That(await second.WaitForHealthAsync("Healthy", TimeSpan.FromSeconds(20)), Is.True, "the second instance connects by itself");
        var onSecond = alice with { Client = second.CreateClient() };
        Assert.That((await onSecond.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "cached on the second instance");
        await alice.LogoutAsync();

        Assert.That(await ClusterFixture.EventuallyAsync(async () => (await onSecond.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1)), Is.True,
            "once connected, the second instance hears the first's revocation within 1 s");
    }
}
