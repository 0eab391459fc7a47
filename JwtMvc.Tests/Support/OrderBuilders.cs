using JwtMvc.Core.Orders;

namespace JwtMvc.Tests.Support;

/// <summary>Products and orders for unit tests.</summary>
internal static class OrderBuilders
{
    public static Product Product(string name = "Mug", decimal price = 10m, string currency = "EUR") =>
        new() { Id = Guid.NewGuid(), Name = name, Price = price, Currency = currency };

    public static Order PendingOrder(string userId, DateTimeOffset createdAt, params (Product Product, int Quantity)[] items) =>
        Order.Place(Guid.NewGuid(), userId, createdAt, items.Length > 0 ? items : [(Product(), 1)]);
}
