using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>
/// Three instances and Redis: a revocation or a user change on one instance evicts the cached answer on every
/// other instance within a second. The shared clock never moves here, so without the Redis message the other
/// instances would keep trusting their cache for the whole Jwt:SessionCheckSeconds.
/// </summary>
public sealed class RedisInvalidationTests : ClusterFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Test]
    public async Task A_logout_on_one_instance_is_refused_by_every_other_instance_within_a_second()
    {
        var alice = await First.LoginAsync("alice");
        var elsewhere = await CachedElsewhereAsync(alice);

        Assert.That((await alice.LogoutAsync()).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        foreach (var client in elsewhere)
        {
            Assert.That(await EventuallyAsync(async () => (await client.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized, Bound), Is.True,
                "the other instance refuses the revoked session within 1 s, without its cache running out");
        }
    }

    [Test]
    public async Task Revoking_all_of_a_users_sessions_is_seen_by_every_other_instance_within_a_second()
    {
        var admin = await First.LoginAsync("admin");
        var user = await admin.CreateUserAsync(AdminApi.NewUserName());
        var signedIn = await First.LoginAsync(user.UserName, "Strong#12345");
        var elsewhere = await CachedElsewhereAsync(signedIn);

        var revoke = await admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{user.Id}/sessions");

        Assert.That(revoke.IsSuccessStatusCode, Is.True);
        foreach (var client in elsewhere)
        {
            Assert.That(await EventuallyAsync(async () => (await client.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized, Bound), Is.True,
                "the admin's revocation reaches the other instance within 1 s");
        }
    }

    [Test]
    public async Task A_user_record_change_on_one_instance_is_seen_by_every_other_instance_within_a_second()
    {
        var admin = await First.LoginAsync("admin");
        var user = await admin.CreateUserAsync(AdminApi.NewUserName(), displayName: "Before");
        var signedIn = await First.LoginAsync(user.UserName, "Strong#12345");
        var elsewhere = await CachedElsewhereAsync(signedIn);

        var update = await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{user.Id}", new { displayName = "After", email = user.UserName + "@example.test" });

        Assert.That(update.IsSuccessStatusCode, Is.True, () => update.Content.ReadAsStringAsync().Result);
        foreach (var client in elsewhere)
        {
            Assert.That(await EventuallyAsync(async () => (await client.Client.GetFromJsonAsync<MeBody>("/api/me"))!.DisplayName == "After", Bound), Is.True,
                "the other instance shows the changed record within 1 s");
        }
    }

    /// <summary>Clients on the second and third instance with the same token, whose session and user each has cached.</summary>
    private async Task<List<SignedInClient>> CachedElsewhereAsync(SignedInClient signedIn)
    {
        var clients = Instances.Skip(1).Select(instance => signedIn with { Client = instance.CreateClient() }).ToList();
        foreach (var client in clients)
        {
            client.Client.DefaultRequestHeaders.Authorization = new("Bearer", signedIn.AccessToken);
            Assert.That((await client.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "cached as active on the other instance");
        }

        return clients;
    }
}
