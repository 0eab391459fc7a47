using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Orders;

/// <summary>GET /api/admin/orders: every user's orders, for admins only.</summary>
public sealed class AdminOrdersTests
{
    private JwtMvcFactory factory = null!;
    private SignedInClient admin = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new JwtMvcFactory();
        admin = await factory.LoginAsync("admin");
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task An_admin_sees_every_users_orders_each_with_its_user_name()
    {
        var response = await admin.GetAsync("/api/admin/orders?pageSize=100");

        var page = await response.ReadAsync<OrderPageBody<OrderListItemBody>>(HttpStatusCode.OK, "admins list all orders");
        Assert.That(page.TotalCount, Is.EqualTo(OrderApi.AlicesSeededOrders + OrderApi.BobsSeededOrders), "the seeded orders of alice and bob");
        Assert.That(page.Items.Count(o => o.UserName == "alice"), Is.EqualTo(OrderApi.AlicesSeededOrders));
        Assert.That(page.Items.Count(o => o.UserName == "bob"), Is.EqualTo(OrderApi.BobsSeededOrders));
        Assert.That(page.Items.Select(o => o.CreatedAt), Is.Ordered.Descending, "newest first by default");
    }

    [Test]
    public async Task The_admin_list_pages_and_sorts_as_the_own_list()
    {
        var all = await (await admin.GetAsync("/api/admin/orders?sort=total&pageSize=100"))
            .ReadAsync<OrderPageBody<OrderListItemBody>>(HttpStatusCode.OK, "sorted by total");
        var second = await (await admin.GetAsync("/api/admin/orders?sort=total&page=2&pageSize=3"))
            .ReadAsync<OrderPageBody<OrderListItemBody>>(HttpStatusCode.OK, "page 2 of 3");
        var invalid = await admin.GetAsync("/api/admin/orders?pageSize=1000");

        Assert.That(all.Items.Select(o => o.Total), Is.Ordered.Ascending);
        Assert.That(second.Items.Select(o => o.Id), Is.EqualTo(all.Items.Skip(3).Take(3).Select(o => o.Id)), "the second page of three");
        Assert.That((await invalid.ValidationErrorsAsync("pageSize above 100 is refused")).Keys, Is.EqualTo(new[] { "pageSize" }));
    }

    [Test]
    public async Task A_user_who_is_not_an_admin_gets_403()
    {
        var alice = await factory.LoginAsync("alice");

        var response = await alice.GetAsync("/api/admin/orders");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "signed in, but not in the Admin role");
    }

    [Test]
    public async Task Without_a_token_it_is_401()
    {
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/api/admin/orders");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
