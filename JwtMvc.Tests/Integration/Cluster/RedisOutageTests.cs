using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>
/// Redis failing never fails open: the real redis-server is killed and started again. While it is down every
/// instance serves, says Degraded and why, logs one warning, falls back to the Jwt:SessionCheckSeconds floor and
/// to per-instance rate limits; it reconnects by itself.
/// </summary>
[NonParallelizable]
public sealed class RedisOutageTests : ClusterFixture
{
    private const int Limit = 3;
    private const int UnavailableEventId = 9001;
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(20);

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimiting:Auth:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:Auth:WindowSeconds"] = "3600",
    };

    [TearDown]
    public async Task RedisIsBack()
    {
        Redis.Restart();
        foreach (var instance in Instances)
        {
            Assert.That(await instance.WaitForHealthAsync("Healthy", Reconnect), Is.True, "the instance reconnects by itself");
        }
    }

    [Test]
    public async Task While_redis_is_down_every_instance_serves_reports_degraded_with_the_reason_and_warns_once()
    {
        var warningsBefore = Instances.Select(UnavailableWarnings).ToList();

        await StopRedisAsync();
        var alice = await Instances[1].LoginAsync("alice");
        await alice.LogoutAsync(); // publishes into the outage
        var health = await First.HealthAsync();
        await First.HealthAsync();

        Assert.That(health.Status, Is.EqualTo("Degraded"), "Redis down is Degraded, not Unhealthy: the app still serves");
        Assert.That(health.Checks["redis"].Description, Does.Contain("Redis is unavailable").And.Contain("Jwt:SessionCheckSeconds"), "/health says why and what it means");
        Assert.That(health.Checks["database"].Status, Is.EqualTo("Healthy"));
        for (var i = 0; i < Instances.Count; i++)
        {
            Assert.That(UnavailableWarnings(Instances[i]) - warningsBefore[i], Is.EqualTo(1), $"instance {i} logs the outage once");
        }
    }

    [Test]
    public async Task While_redis_is_down_a_revocation_reaches_other_instances_at_the_session_check_floor()
    {
        await StopRedisAsync();
        var alice = await First.LoginAsync("alice");
        var second = alice with { Client = Instances[1].CreateClient() };
        Assert.That((await second.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "cached on the second instance during the outage");

        await alice.LogoutAsync();
        First.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.That((await second.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "after Jwt:SessionCheckSeconds the other instance refuses it");
    }

    [Test]
    public async Task An_answer_cached_during_the_outage_does_not_outlive_the_floor_after_redis_is_back()
    {
        await StopRedisAsync();
        var alice = await First.LoginAsync("alice");
        var third = alice with { Client = Instances[2].CreateClient() };
        Assert.That((await third.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "cached on the third instance during the outage");
        await alice.LogoutAsync(); // this message is lost

        await RedisIsBack();
        First.Clock.Advance(TimeSpan.FromSeconds(31));

        Assert.That((await third.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the entry cached during the outage ends at the floor");
    }

    [Test]
    public async Task While_redis_is_down_the_rate_limit_counts_per_instance_and_never_opens()
    {
        await StopRedisAsync();
        var client = "203.0.113." + Random.Shared.Next(1, 250);

        var perInstance = new List<List<HttpStatusCode>>();
        foreach (var instance in Instances.Take(2))
        {
            var answers = new List<HttpStatusCode>();
            for (var attempt = 0; attempt <= Limit; attempt++)
            {
                answers.Add((await instance.FailLoginAsync(client)).StatusCode);
            }

            perInstance.Add(answers);
        }

        foreach (var answers in perInstance)
        {
            Assert.That(answers.Take(Limit), Is.All.EqualTo(HttpStatusCode.Unauthorized), "each instance answers PermitLimit attempts on its own");
            Assert.That(answers[Limit], Is.EqualTo(HttpStatusCode.TooManyRequests), "and then refuses: the limit never opens");
        }
    }

    [Test]
    public async Task After_redis_is_back_a_revocation_reaches_every_instance_within_a_second_again()
    {
        await StopRedisAsync();
        await RedisIsBack();
        var alice = await First.LoginAsync("alice");
        var second = alice with { Client = Instances[1].CreateClient() };
        Assert.That((await second.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        await alice.LogoutAsync();

        Assert.That(await EventuallyAsync(async () => (await second.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(1)), Is.True,
            "the subscription is back after the reconnect");
    }

    private static int UnavailableWarnings(ClusterInstance instance) =>
        instance.Logs.Entries.Count(e => e.EventId.Id == UnavailableEventId && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);

    private async Task StopRedisAsync()
    {
        Redis.Stop();
        foreach (var instance in Instances)
        {
            Assert.That(await instance.WaitForHealthAsync("Degraded", Reconnect), Is.True, "the instance notices the outage");
        }
    }
}
