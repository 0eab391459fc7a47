using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Security;

/// <summary>Answers that hold a user's data are never kept by a cache: <c>Cache-Control: no-store</c>.</summary>
public sealed class NoStoreTests : AppFixture
{
    [TestCase("alice", "/api/me")]
    [TestCase("alice", "/api/orders")]
    [TestCase("alice", "/api/uploads")]
    [TestCase("admin", "/api/admin/users")]
    [TestCase("admin", "/api/admin/orders")]
    public async Task A_users_data_is_answered_with_no_store(string userName, string path)
    {
        var client = await Factory.LoginAsync(userName);

        var response = await client.GetAsync(path);

        Assert.That(response.IsSuccessStatusCode, Is.True, $"{path}: {response.StatusCode}");
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True, $"{path} holds {userName}'s data");
    }

    [Test]
    public async Task Order_details_and_account_answers_are_no_store()
    {
        var alice = await Factory.LoginAsync("alice");

        var order = await alice.GetAsync($"/api/orders/{OrderApi.AlicesShippedOrder}");
        var change = await alice.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = "wrong", newPassword = "Strong#Passw0rd" });

        Assert.That(order.Headers.CacheControl?.NoStore, Is.True, "an order");
        Assert.That(change.Headers.CacheControl?.NoStore, Is.True, "an account answer");
    }
}
