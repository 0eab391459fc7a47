using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>With Redis the sign-in limit is one budget per client IP across every instance.</summary>
public sealed class RedisRateLimitTests : ClusterFixture
{
    private const int Limit = 6;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RateLimiting:Auth:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:Auth:WindowSeconds"] = "300",
    };

    [Test]
    public async Task The_sign_in_limit_counts_one_client_across_all_instances()
    {
        const string client = "198.51.100.10";
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < Limit; attempt++)
        {
            answers.Add((await Instances[attempt % Instances.Count].FailLoginAsync(client)).StatusCode);
        }

        var onEveryInstance = new List<HttpStatusCode>();
        foreach (var instance in Instances)
        {
            onEveryInstance.Add((await instance.FailLoginAsync(client)).StatusCode);
        }

        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.Unauthorized), "the first PermitLimit attempts, spread over the instances, are answered");
        Assert.That(onEveryInstance, Is.All.EqualTo(HttpStatusCode.TooManyRequests), "then every instance refuses that client: one budget in total");
    }

    [Test]
    public async Task Another_client_has_its_own_budget()
    {
        for (var attempt = 0; attempt <= Limit; attempt++)
        {
            await Instances[attempt % Instances.Count].FailLoginAsync("198.51.100.20");
        }

        var other = await First.FailLoginAsync("198.51.100.21");

        Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a client that has not used its budget is not refused");
    }
}
