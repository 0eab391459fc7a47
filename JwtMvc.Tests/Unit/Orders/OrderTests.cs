using JwtMvc.Core.Orders;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Unit.Orders;

/// <summary>The order aggregate: captured prices, totals, one currency, status changes.</summary>
public sealed class OrderTests
{
    private static readonly DateTimeOffset s_now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void The_total_is_the_sum_of_unit_price_times_quantity_over_the_lines()
    {
        var mug = OrderBuilders.Product("Mug", 12.50m);
        var pen = OrderBuilders.Product("Pen", 0.99m);

        var order = Order.Place(Guid.NewGuid(), "alice", s_now, [(mug, 2), (pen, 3)]);

        Assert.That(order.Lines.Select(l => l.LineTotal), Is.EqualTo(new[] { 25.00m, 2.97m }), "line totals");
        Assert.That(order.Total, Is.EqualTo(27.97m), "the total adds the lines exactly (decimal, no rounding)");
        Assert.That(order.Currency, Is.EqualTo("EUR"));
        Assert.That(order.Status, Is.EqualTo(OrderStatus.Pending), "a new order is pending");
        Assert.That(order.Lines.Select(l => l.Number), Is.EqualTo(new[] { 1, 2 }), "lines are numbered in request order");
    }

    [Test]
    public void A_later_price_change_does_not_alter_an_order_already_placed()
    {
        var mug = OrderBuilders.Product("Mug", 12.50m);
        var order = Order.Place(Guid.NewGuid(), "alice", s_now, [(mug, 2)]);

        mug.Price = 99m;
        mug.Name = "Renamed mug";

        Assert.That(order.Lines[0].UnitPrice, Is.EqualTo(12.50m), "the line keeps the price of the day it was placed");
        Assert.That(order.Lines[0].ProductName, Is.EqualTo("Mug"), "and the name");
        Assert.That(order.Total, Is.EqualTo(25.00m));
    }

    [Test]
    public void Products_in_two_currencies_cannot_share_an_order()
    {
        var euros = OrderBuilders.Product("Mug", 10m, "EUR");
        var dollars = OrderBuilders.Product("Adapter", 10m, "USD");

        Assert.That(() => Order.Place(Guid.NewGuid(), "alice", s_now, [(euros, 1), (dollars, 1)]),
            Throws.TypeOf<CurrencyMismatchException>(), "one order, one currency");
    }

    [Test]
    public void Money_refuses_to_add_another_currency()
    {
        Assert.That(() => new Money(1m, "EUR").Add(new Money(1m, "USD")), Throws.TypeOf<CurrencyMismatchException>());
        Assert.That(new Money(1.25m, "EUR").Add(new Money(2.5m, "EUR")), Is.EqualTo(new Money(3.75m, "EUR")));
    }

    [Test]
    public void Money_has_at_most_four_decimal_places()
    {
        Assert.That(() => new Money(0.00001m, "EUR"), Throws.TypeOf<ArgumentOutOfRangeException>(),
            "the database stores ten-thousandths exactly; finer amounts would be rounded silently");
    }

    [TestCase(0)]
    [TestCase(101)]
    public void A_line_quantity_outside_1_to_100_is_refused(int quantity)
    {
        Assert.That(() => Order.Place(Guid.NewGuid(), "alice", s_now, [(OrderBuilders.Product(), quantity)]),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void An_order_without_lines_or_with_a_product_twice_is_refused()
    {
        var mug = OrderBuilders.Product();

        Assert.That(() => Order.Place(Guid.NewGuid(), "alice", s_now, []), Throws.ArgumentException, "no lines");
        Assert.That(() => Order.Place(Guid.NewGuid(), "alice", s_now, [(mug, 1), (mug, 2)]), Throws.ArgumentException, "duplicate product");
    }

    [Test]
    public void Only_a_pending_order_can_be_cancelled()
    {
        var order = OrderBuilders.PendingOrder("alice", s_now);
        var shipped = OrderBuilders.PendingOrder("alice", s_now);
        shipped.Ship();

        order.Cancel(s_now.AddMinutes(5));

        Assert.That(order.Status, Is.EqualTo(OrderStatus.Cancelled));
        Assert.That(order.CancelledAt, Is.EqualTo(s_now.AddMinutes(5)));
        Assert.That(() => order.Cancel(s_now), Throws.InvalidOperationException, "cancelling twice is an error");
        Assert.That(() => shipped.Cancel(s_now), Throws.InvalidOperationException, "a shipped order cannot be cancelled");
    }
}
