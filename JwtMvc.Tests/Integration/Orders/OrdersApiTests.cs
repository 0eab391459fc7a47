using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Orders;

/// <summary>/api/products and /api/orders through the real app: ownership, placing, validation, cancelling.</summary>
public sealed class OrdersApiTests
{
    private JwtMvcFactory factory = null!;
    private SignedInClient alice = null!;
    private SignedInClient bob = null!;
    private IReadOnlyList<ProductBody> products = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new JwtMvcFactory();
        alice = await factory.LoginAsync("alice");
        bob = await factory.LoginAsync("bob");
        products = await alice.ProductsAsync();
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    private ProductBody Euro(int index) => products.Where(p => p.Currency == "EUR").ElementAt(index);

    private ProductBody Dollar(int index) => products.Where(p => p.Currency == "USD").ElementAt(index);

    [TestCase("GET", "/api/products")]
    [TestCase("GET", "/api/orders")]
    [TestCase("GET", "/api/orders/5eed0002-0000-0000-0000-000000000001")]
    [TestCase("POST", "/api/orders")]
    [TestCase("POST", "/api/orders/5eed0002-0000-0000-0000-000000000001/cancel")]
    [TestCase("GET", "/api/admin/orders")]
    public async Task Every_orders_endpoint_answers_401_without_a_token(string method, string url)
    {
        using var client = factory.CreateClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"{method} {url} needs a token");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
    }

    [Test]
    public void The_catalogue_lists_the_seeded_products_with_price_and_currency()
    {
        Assert.That(products, Has.Count.GreaterThanOrEqualTo(10), "the Development seed has a catalogue");
        Assert.That(products.Select(p => p.Name), Is.Ordered, "by name");
        Assert.That(products.Select(p => p.Price), Has.All.GreaterThan(0m), "every product has a price");
        Assert.That(products.Select(p => p.Currency), Has.All.Length.EqualTo(3), "every price has an ISO 4217 currency");
        Assert.That(products.Select(p => p.Name), Has.All.Not.Empty, "every product has a name");
    }

    [Test]
    public async Task Alice_sees_her_own_orders_and_none_of_bobs()
    {
        var alicesOrders = await alice.ListAsync("?pageSize=100");
        var bobsOrders = await bob.ListAsync("?pageSize=100");

        Assert.That(alicesOrders.Items, Has.Count.GreaterThanOrEqualTo(OrderApi.AlicesSeededOrders), "alice has her seeded orders");
        Assert.That(bobsOrders.Items.Select(o => o.Id), Does.Contain(OrderApi.BobsPendingOrder), "bob has his");
        Assert.That(alicesOrders.Items.Select(o => o.Id), Has.No.Member(OrderApi.BobsPendingOrder), "bob's orders never appear in alice's list");
        Assert.That(alicesOrders.Items.Select(o => o.Id).Intersect(bobsOrders.Items.Select(o => o.Id)), Is.Empty, "the lists are disjoint");
        Assert.That(alicesOrders.Items.Select(o => o.Status).Distinct().Count(), Is.GreaterThan(1), "the seed gives alice orders in several states");
    }

    [Test]
    public async Task Fetching_another_users_order_is_404_not_403()
    {
        var response = await alice.GetAsync($"/api/orders/{OrderApi.BobsPendingOrder}");
        var own = await bob.GetAsync($"/api/orders/{OrderApi.BobsPendingOrder}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another user's order does not exist for alice: 403 would confirm the id");
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.OK), "bob reads his own order");
    }

    [Test]
    public async Task Cancelling_another_users_order_is_404_and_leaves_it_pending()
    {
        var response = await alice.SendAsync(HttpMethod.Post, $"/api/orders/{OrderApi.BobsPendingOrder}/cancel");
        var bobsView = await (await bob.GetAsync($"/api/orders/{OrderApi.BobsPendingOrder}")).ReadAsync<OrderBody>(HttpStatusCode.OK, "bob reads his order");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "alice cannot cancel bob's order, nor learn that it exists");
        Assert.That(bobsView.Status, Is.EqualTo("Pending"), "bob's order is untouched");
    }

    [Test]
    public async Task An_unknown_order_id_is_404()
    {
        var response = await alice.GetAsync($"/api/orders/{Guid.NewGuid()}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Placing_an_order_answers_201_with_its_location_and_the_order_at_current_prices()
    {
        var mug = Euro(0);
        var pen = Euro(1);

        var response = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { items = new[] { new { productId = mug.Id, quantity = 2 }, new { productId = pen.Id, quantity = 1 } } });

        var order = await response.ReadAsync<OrderBody>(HttpStatusCode.Created, "a valid order is placed");
        Assert.That(response.Headers.Location?.ToString(), Does.EndWith($"/api/orders/{order.Id}"), "Location names the new order");
        Assert.That(order.Status, Is.EqualTo("Pending"));
        Assert.That(order.Currency, Is.EqualTo("EUR"));
        Assert.That(order.CreatedAt, Is.EqualTo(factory.Clock.GetUtcNow()).Within(TimeSpan.FromMilliseconds(1)), "createdAt is the app's clock");
        Assert.That(order.Lines.Select(l => (l.ProductId, l.ProductName, l.UnitPrice, l.Quantity, l.LineTotal)), Is.EqualTo(new[]
        {
            (mug.Id, mug.Name, mug.Price, 2, mug.Price * 2),
            (pen.Id, pen.Name, pen.Price, 1, pen.Price),
        }));
        Assert.That(order.Total, Is.EqualTo((mug.Price * 2) + pen.Price));
        var fetched = await (await alice.GetAsync(response.Headers.Location!.ToString())).ReadAsync<OrderBody>(HttpStatusCode.OK, "the Location can be fetched");
        Assert.That((fetched.Id, fetched.Status, fetched.CreatedAt, fetched.Total, fetched.Currency), Is.EqualTo((order.Id, order.Status, order.CreatedAt, order.Total, order.Currency)),
            "the stored order is the one returned");
        Assert.That(fetched.Lines, Is.EqualTo(order.Lines));
    }

    [Test]
    public async Task A_price_change_leaves_orders_already_placed_unchanged()
    {
        var product = Euro(2);
        var placed = await alice.PlaceAsync((product.Id, 3));

        await factory.SetPriceAsync(product.Id, product.Price + 100m);
        var old = await (await alice.GetAsync($"/api/orders/{placed.Id}")).ReadAsync<OrderBody>(HttpStatusCode.OK, "reading the old order");
        var newer = await alice.PlaceAsync((product.Id, 1));
        await factory.SetPriceAsync(product.Id, product.Price);

        Assert.That(old.Lines.Single().UnitPrice, Is.EqualTo(product.Price), "the old order keeps the price it was placed at");
        Assert.That(old.Total, Is.EqualTo(product.Price * 3), "and its total");
        Assert.That(newer.Lines.Single().UnitPrice, Is.EqualTo(product.Price + 100m), "a new order pays the new price");
    }

    [Test]
    public async Task Invalid_lines_are_400_with_each_error_under_its_item_field()
    {
        var response = await alice.SendAsync(HttpMethod.Post, "/api/orders", new
        {
            items = new object[]
            {
                new { productId = Guid.NewGuid(), quantity = 1 },
                new { productId = Euro(0).Id, quantity = 0 },
                new { productId = Euro(1).Id, quantity = 101 },
            },
        });

        var errors = await response.ValidationErrorsAsync("unknown product and quantities outside 1..100 are refused");
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "items[0].productId", "items[1].quantity", "items[2].quantity" }));
        Assert.That(errors["items[1].quantity"].Single(), Does.Contain("between 1 and 100"), "the message says what is allowed");
    }

    [Test]
    public async Task An_order_without_lines_is_400_under_items()
    {
        var empty = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { items = Array.Empty<object>() });
        var missing = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { });

        Assert.That((await empty.ValidationErrorsAsync("an empty order is refused")).Keys, Is.EqualTo(new[] { "items" }));
        Assert.That((await missing.ValidationErrorsAsync("an order without items is refused")).Keys, Is.EqualTo(new[] { "items" }));
    }

    [Test]
    public async Task A_line_that_is_null_is_400_under_its_item_beside_every_other_broken_rule()
    {
        var response = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { items = new object?[] { new { productId = Euro(0).Id, quantity = 0 }, null, null } });

        var errors = await response.ValidationErrorsAsync("a null line is refused");
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "items[0].quantity", "items[1]", "items[2]" }));
    }

    [Test]
    public async Task A_product_in_two_lines_is_refused_not_merged()
    {
        var mug = Euro(0);

        var response = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { items = new[] { new { productId = mug.Id, quantity = 1 }, new { productId = mug.Id, quantity = 2 } } });

        var errors = await response.ValidationErrorsAsync("a duplicate line is refused");
        Assert.That(errors.Keys, Is.EqualTo(new[] { "items[1].productId" }), "the repeated line is the one in error");
    }

    [Test]
    public async Task Products_in_two_currencies_are_refused_in_one_order()
    {
        var response = await alice.SendAsync(HttpMethod.Post, "/api/orders", new { items = new[] { new { productId = Euro(0).Id, quantity = 1 }, new { productId = Dollar(0).Id, quantity = 1 } } });

        var errors = await response.ValidationErrorsAsync("one order, one currency");
        Assert.That(errors["items[1].productId"].Single(), Does.Contain("USD").And.Contain("EUR"));
    }

    [Test]
    public async Task Malformed_json_is_400_validation_problem()
    {
        var request = alice.Request(HttpMethod.Post, "/api/orders");
        request.Content = new StringContent("""{"items":[{"productId":"not-a-guid","quantity":1}]}""", System.Text.Encoding.UTF8, "application/json");

        var response = await alice.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a value of the wrong type is refused");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task Cancelling_a_pending_order_answers_200_with_it_cancelled_and_a_second_cancel_is_409()
    {
        var placed = await alice.PlaceAsync((Euro(3).Id, 1));

        var first = await alice.SendAsync(HttpMethod.Post, $"/api/orders/{placed.Id}/cancel");
        var cancelled = await first.ReadAsync<OrderBody>(HttpStatusCode.OK, "a pending order can be cancelled");
        var second = await alice.SendAsync(HttpMethod.Post, $"/api/orders/{placed.Id}/cancel");

        Assert.That(cancelled.Status, Is.EqualTo("Cancelled"));
        Assert.That(cancelled.CancelledAt, Is.Not.Null);
        Assert.That(cancelled.Lines, Has.Count.EqualTo(1), "the answer is the whole order");
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "a cancelled order cannot be cancelled again");
        Assert.That(second.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await second.Content.ReadAsStringAsync(), Does.Contain("Cancelled"), "the problem says what the order is");
    }

    [Test]
    public async Task Cancelling_a_shipped_order_is_409()
    {
        var response = await alice.SendAsync(HttpMethod.Post, $"/api/orders/{OrderApi.AlicesShippedOrder}/cancel");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "too late once shipped");
    }
}
