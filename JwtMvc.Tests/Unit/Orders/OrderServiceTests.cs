using JwtMvc.Core.Orders;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace JwtMvc.Tests.Unit.Orders;

/// <summary>The order rules, with the repository and catalogue mocked and the clock faked.</summary>
public sealed class OrderServiceTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2030, 3, 1, 9, 30, 0, TimeSpan.Zero));
    private Mock<IOrderRepository> repository = null!;
    private Mock<IProductCatalogue> catalogue = null!;
    private Product mug = null!;
    private Product pen = null!;
    private Product adapter = null!;

    [SetUp]
    public void SetUp()
    {
        repository = new Mock<IOrderRepository>(MockBehavior.Strict);
        catalogue = new Mock<IProductCatalogue>(MockBehavior.Strict);
        mug = OrderBuilders.Product("Mug", 12.50m);
        pen = OrderBuilders.Product("Pen", 3.20m);
        adapter = OrderBuilders.Product("Adapter", 24m, "USD");
        var products = new[] { mug, pen, adapter }.ToDictionary(p => p.Id);
        catalogue.Setup(c => c.FindAsync(It.IsAny<IReadOnlyCollection<Guid>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((IReadOnlyCollection<Guid> ids, CancellationToken _) =>
                products.Where(p => ids.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
        repository.Setup(r => r.AddAsync(It.IsAny<Order>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
    }

    private OrderService Service() => new(repository.Object, catalogue.Object, clock, NullLogger<OrderService>.Instance);

    [Test]
    public async Task Placing_stores_a_pending_order_created_now_at_the_current_prices()
    {
        var result = await Service().PlaceAsync("alice", [new(mug.Id, 2), new(pen.Id, 1)], CancellationToken.None);

        var order = (result as PlaceOrderResult.Placed)?.Order;
        Assert.That(order, Is.Not.Null, $"a valid order is placed, got {result}");
        Assert.That(order!.UserId, Is.EqualTo("alice"));
        Assert.That(order.CreatedAt, Is.EqualTo(clock.GetUtcNow()), "createdAt comes from the TimeProvider");
        Assert.That(order.Status, Is.EqualTo(OrderStatus.Pending));
        Assert.That(order.Total, Is.EqualTo(28.20m));
        Assert.That(order.Currency, Is.EqualTo("EUR"));
        repository.Verify(r => r.AddAsync(order, It.IsAny<CancellationToken>()), Times.Once, "the order is stored");
    }

    [Test]
    public async Task Every_broken_rule_is_reported_under_its_item_field_and_nothing_is_stored()
    {
        var unknown = Guid.NewGuid();

        var result = await Service().PlaceAsync(
            "alice",
            [new(mug.Id, 0), new(unknown, 1), new(pen.Id, 101), new(mug.Id, 1), new(adapter.Id, 1), null],
            CancellationToken.None);

        var errors = (result as PlaceOrderResult.ValidationFailed)?.Errors;
        Assert.That(errors, Is.Not.Null, $"the request is refused, got {result}");
        Assert.That(errors!.Select(e => e.Field), Is.EqualTo(new[]
        {
            "items[0].quantity",
            "items[1].productId",
            "items[2].quantity",
            "items[3].productId",
            "items[4].productId",
            "items[5]",
        }), "quantity 0, unknown product, quantity 101, duplicate product, another currency, a missing line");
        Assert.That(errors[3].Message, Does.Contain("items[0]"), "a duplicate line names the line it repeats");
        Assert.That(errors[4].Message, Does.Contain("USD").And.Contain("EUR"), "a currency mix names both currencies");
        repository.Verify(r => r.AddAsync(It.IsAny<Order>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_order_without_items_is_refused_under_items()
    {
        var empty = await Service().PlaceAsync("alice", [], CancellationToken.None);
        var missing = await Service().PlaceAsync("alice", null, CancellationToken.None);

        Assert.That((empty as PlaceOrderResult.ValidationFailed)?.Errors.Single().Field, Is.EqualTo("items"), "an empty list is refused");
        Assert.That((missing as PlaceOrderResult.ValidationFailed)?.Errors.Single().Field, Is.EqualTo("items"), "a missing list is refused");
    }

    [Test]
    public async Task More_than_fifty_lines_are_refused()
    {
        var items = Enumerable.Range(0, Order.MaxLines + 1).Select(_ => new OrderItemRequest(Guid.NewGuid(), 1)).ToList();

        var result = await Service().PlaceAsync("alice", items, CancellationToken.None);

        Assert.That((result as PlaceOrderResult.ValidationFailed)?.Errors.Single().Field, Is.EqualTo("items"));
    }

    [Test]
    public async Task Another_users_order_is_not_found_for_reading_or_cancelling()
    {
        var bobs = OrderBuilders.PendingOrder("bob", clock.GetUtcNow());
        repository.Setup(r => r.FindAsync(bobs.Id, It.IsAny<CancellationToken>())).ReturnsAsync(bobs);

        var read = await Service().FindAsync("alice", bobs.Id, CancellationToken.None);
        var cancel = await Service().CancelAsync("alice", bobs.Id, CancellationToken.None);

        Assert.That(read, Is.Null, "alice cannot read bob's order");
        Assert.That(cancel, Is.InstanceOf<CancelOrderResult.NotFound>(), "nor cancel it: it looks like no order at all");
        repository.Verify(r => r.TryCancelPendingAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task Cancelling_a_pending_order_writes_it_conditionally_and_returns_it_cancelled_now()
    {
        var order = OrderBuilders.PendingOrder("alice", clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(10));
        repository.Setup(r => r.FindAsync(order.Id, It.IsAny<CancellationToken>())).ReturnsAsync(order);
        repository.Setup(r => r.TryCancelPendingAsync(order.Id, clock.GetUtcNow(), It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var result = await Service().CancelAsync("alice", order.Id, CancellationToken.None);

        var cancelled = (result as CancelOrderResult.Cancelled)?.Order;
        Assert.That(cancelled?.Status, Is.EqualTo(OrderStatus.Cancelled), $"a pending order is cancelled, got {result}");
        Assert.That(cancelled!.CancelledAt, Is.EqualTo(clock.GetUtcNow()));
        repository.Verify(r => r.TryCancelPendingAsync(order.Id, clock.GetUtcNow(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [TestCase(OrderStatus.Shipped)]
    [TestCase(OrderStatus.Cancelled)]
    public async Task An_order_that_is_no_longer_pending_cannot_be_cancelled(OrderStatus status)
    {
        var order = OrderBuilders.PendingOrder("alice", clock.GetUtcNow());
        if (status == OrderStatus.Shipped)
        {
            order.Ship();
        }
        else
        {
            order.Cancel(clock.GetUtcNow());
        }

        repository.Setup(r => r.FindAsync(order.Id, It.IsAny<CancellationToken>())).ReturnsAsync(order);

        var result = await Service().CancelAsync("alice", order.Id, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new CancelOrderResult.NotPending(status)), "only pending orders can be cancelled");
        repository.Verify(r => r.TryCancelPendingAsync(It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task A_cancel_that_loses_a_race_reports_the_status_that_won()
    {
        var pending = OrderBuilders.PendingOrder("alice", clock.GetUtcNow());
        var shippedMeanwhile = OrderBuilders.PendingOrder("alice", clock.GetUtcNow());
        shippedMeanwhile.Ship();
        repository.SetupSequence(r => r.FindAsync(pending.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(pending)
            .ReturnsAsync(shippedMeanwhile);
        repository.Setup(r => r.TryCancelPendingAsync(pending.Id, It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        var result = await Service().CancelAsync("alice", pending.Id, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new CancelOrderResult.NotPending(OrderStatus.Shipped)),
            "the conditional write refused, so the order changed between read and write");
    }

    [Test]
    public async Task Listing_own_orders_asks_the_repository_for_that_user_only()
    {
        var page = new PagedList<OrderSummary>([], 2, 5, 7);
        repository.Setup(r => r.ListAsync("alice", new OrderListQuery(2, 5, OrderSortField.Total, false), It.IsAny<CancellationToken>())).ReturnsAsync(page);

        var result = await Service().ListOwnAsync("alice", 2, 5, "total", CancellationToken.None);

        Assert.That(result, Is.EqualTo(new ListOrdersResult.Listed(page)), "the user's id filters the list");
    }

    [Test]
    public async Task Listing_all_orders_does_not_filter_by_user()
    {
        var page = new PagedList<OrderSummary>([], 1, 20, 0);
        repository.Setup(r => r.ListAsync(null, OrderListQuery.Default, It.IsAny<CancellationToken>())).ReturnsAsync(page);

        var result = await Service().ListAllAsync(1, 20, null, CancellationToken.None);

        Assert.That(result, Is.EqualTo(new ListOrdersResult.Listed(page)));
    }

    [Test]
    public async Task Bad_paging_is_refused_before_the_repository_is_asked()
    {
        var result = await Service().ListOwnAsync("alice", 0, 500, "price", CancellationToken.None);

        var errors = (result as ListOrdersResult.ValidationFailed)?.Errors;
        Assert.That(errors?.Select(e => e.Field), Is.EquivalentTo(new[] { "page", "pageSize", "sort" }));
        repository.Verify(r => r.ListAsync(It.IsAny<string?>(), It.IsAny<OrderListQuery>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}
