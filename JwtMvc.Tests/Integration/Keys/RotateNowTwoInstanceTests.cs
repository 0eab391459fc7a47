using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Keys;

/// <summary>
/// Two instances in key-ring mode on one database, without Redis (so no announcement): a key "rotate now" makes on one
/// signs there at once, and the other must accept, and revoke, what it signs before its own next reload.
/// </summary>
public sealed class RotateNowTwoInstanceTests : TwoInstanceFixture
{
    protected override JwtMvcFactory CreateFirst() => new() { SigningKey = null };

    [Test]
    public async Task A_token_signed_by_a_key_made_on_the_other_instance_just_now_is_accepted_and_revocable_here()
    {
        // Arrange: both instances hold the first key; then the first rotates now and signs alice's token with the new one.
        var admin = await First.LoginAsync("admin");
        Assert.That((await new SignedInClient(Second.CreateClient(), admin.AccessToken, new()).GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "arranged: the second holds the first key");
        Assert.That((await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/rotate")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var alice = await First.LoginAsync("alice");
        var onSecond = new SignedInClient(Second.CreateClient(), alice.AccessToken, new());

        // Act
        var me = await onSecond.GetAsync("/api/me");
        var revoke = await Second.CreateClient().PostAsync("/api/auth/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = alice.AccessToken }));

        // Assert
        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the second loads the key the token names");
        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await onSecond.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the revocation on the second ended the session");
        Assert.That((await alice.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "for good: its refresh token is refused on the first too");
    }
}
