using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>
/// Three instances in key-ring mode and Redis: revoking a signing key on one instance makes every other instance
/// refuse its tokens within a second. The shared clock never moves, so without the Redis message the others would
/// keep their loaded key ring (and their cache of validated tokens) until their reload interval.
/// </summary>
public sealed class RedisKeyRingTests : ClusterFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    protected override bool KeyRingMode => true;

    [Test]
    public async Task Revoking_a_signing_key_on_one_instance_is_seen_by_every_other_instance_within_a_second()
    {
        var admin = await First.LoginAsync("admin");
        var alice = await First.LoginAsync("alice");
        var keyId = new JsonWebToken(alice.AccessToken).Kid;
        var elsewhere = Instances.Skip(1).Select(instance => instance.CreateClient()).ToList();
        foreach (var client in elsewhere)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", alice.AccessToken);
            Assert.That((await client.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the other instance accepts (and caches) the token first");
        }

        var revoke = await admin.SendAsync(HttpMethod.Post, $"/api/admin/keys/{keyId}/revoke");

        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK), () => revoke.Content.ReadAsStringAsync().Result);
        foreach (var client in elsewhere)
        {
            Assert.That(await EventuallyAsync(async () => (await client.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized, Bound), Is.True,
                "a token signed by the revoked key is refused on the other instance within 1 s");
        }
    }

    [Test]
    public async Task A_key_rotated_on_one_instance_verifies_on_every_other_instance_within_a_second()
    {
        var admin = await First.LoginAsync("admin");
        var rotate = await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/rotate");
        Assert.That(rotate.StatusCode, Is.EqualTo(HttpStatusCode.Created), () => rotate.Content.ReadAsStringAsync().Result);
        var newKeyId = (await rotate.Content.ReadFromJsonAsync<KeyBody>())!.Kid;

        var alice = await First.LoginAsync("alice");

        Assert.That(new JsonWebToken(alice.AccessToken).Kid, Is.EqualTo(newKeyId), "the first instance signs with the new key at once");
        foreach (var instance in Instances.Skip(1))
        {
            var client = instance.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", alice.AccessToken);
            Assert.That(await EventuallyAsync(async () => (await client.GetAsync("/api/me")).StatusCode == HttpStatusCode.OK, Bound), Is.True,
                "the other instance knows the new key within 1 s");
        }
    }

    private sealed record KeyBody(string Kid);
}
