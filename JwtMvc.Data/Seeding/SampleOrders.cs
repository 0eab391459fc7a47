using System.Globalization;

using JwtMvc.Core.Orders;

namespace JwtMvc.Data.Seeding;

/// <summary>
/// The Development catalogue and a few orders for alice and bob. Fixed ids make seeding idempotent: a row
/// with a sample's id is that sample, already seeded (by a restart or by another instance).
/// </summary>
internal static class SampleOrders
{
    public static IReadOnlyList<Product> Products { get; } =
    [
        Product(1, "Ceramic mug", 12.50m),
        Product(2, "Notebook, A5 dotted", 8.90m),
        Product(3, "Fountain pen", 34.00m),
        Product(4, "Desk lamp", 49.95m),
        Product(5, "Laptop stand", 39.00m),
        Product(6, "USB-C cable, 2 m", 9.99m),
        Product(7, "Mechanical keyboard", 119.00m),
        Product(8, "Wireless mouse", 29.90m),
        Product(9, "Noise-cancelling headphones", 199.00m),
        Product(10, "Webcam, 1080p", 59.00m),
        Product(11, "Desk mat", 45.00m),
        Product(12, "Monitor light bar", 64.50m),

        // Priced in another currency, so the one-currency-per-order rule can be tried from the page.
        Product(13, "Travel adapter (US)", 24.00m, "USD"),
        Product(14, "Coffee beans, 1 kg (US roast)", 18.75m, "USD"),
    ];

    /// <summary>Orders by user name, placed the given time before seeding, in various states.</summary>
    public static IReadOnlyList<SampleOrder> Orders { get; } =
    [
        new(1, "alice", TimeSpan.FromDays(40), OrderStatus.Delivered, [(3, 1), (2, 3)]),
        new(2, "alice", TimeSpan.FromDays(21), OrderStatus.Shipped, [(7, 1), (8, 1)]),
        new(3, "alice", TimeSpan.FromDays(9), OrderStatus.Cancelled, [(9, 1)]),
        new(4, "alice", TimeSpan.FromDays(2), OrderStatus.Pending, [(1, 2), (6, 2)]),
        new(5, "alice", TimeSpan.FromHours(5), OrderStatus.Pending, [(13, 1), (14, 2)]),
        new(6, "bob", TimeSpan.FromDays(30), OrderStatus.Delivered, [(4, 1)]),
        new(7, "bob", TimeSpan.FromDays(12), OrderStatus.Shipped, [(10, 1), (12, 1), (6, 1)]),
        new(8, "bob", TimeSpan.FromDays(1), OrderStatus.Pending, [(5, 1), (11, 1)]),
    ];

    public static Guid ProductId(int number) => SeedId(1, number);

    public static Guid OrderId(int number) => SeedId(2, number);

    /// <summary>The order as it is after its life so far, with the catalogue's prices.</summary>
    public static Order Build(SampleOrder sample, string userId, DateTimeOffset seededAt)
    {
        var products = Products.ToDictionary(p => p.Id);
        var order = Order.Place(
            OrderId(sample.Number),
            userId,
            seededAt - sample.Age,
            [.. sample.Lines.Select(l => (products[ProductId(l.Product)], l.Quantity))]);
        switch (sample.Status)
        {
            case OrderStatus.Shipped:
                order.Ship();
                break;
            case OrderStatus.Delivered:
                order.Ship();
                order.Deliver();
                break;
            case OrderStatus.Cancelled:
                order.Cancel(order.CreatedAt + TimeSpan.FromHours(1));
                break;
        }

        return order;
    }

    private static Product Product(int number, string name, decimal price, string currency = "EUR") =>
        new() { Id = ProductId(number), Name = name, Price = price, Currency = currency };

    private static Guid SeedId(int kind, int number) =>
        Guid.Parse(string.Create(CultureInfo.InvariantCulture, $"5eed{kind:x4}-0000-0000-0000-{number:x12}"));
}

internal sealed record SampleOrder(int Number, string UserName, TimeSpan Age, OrderStatus Status, IReadOnlyList<(int Product, int Quantity)> Lines);
