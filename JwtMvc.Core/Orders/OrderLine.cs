namespace JwtMvc.Core.Orders;

/// <summary>
/// One product in an order, with the product's name and unit price as they were when the order was placed.
/// </summary>
public sealed class OrderLine
{
    public const int MinQuantity = 1;
    public const int MaxQuantity = 100;

    private OrderLine()
    {
    }

    /// <summary>1, 2, ... in the order the customer listed the products.</summary>
    public int Number { get; private init; }

    public Guid ProductId { get; private init; }

    public string ProductName { get; private init; } = "";

    /// <summary>The product's price when the order was placed, in the order's currency.</summary>
    public decimal UnitPrice { get; private init; }

    public int Quantity { get; private init; }

    public decimal LineTotal => UnitPrice * Quantity;

    /// <summary>A line for <paramref name="quantity"/> of <paramref name="product"/> at its current price.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The quantity is outside 1..100.</exception>
    public static OrderLine For(int number, Product product, int quantity)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, MinQuantity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, MaxQuantity);
        return new OrderLine
        {
            Number = number,
            ProductId = product.Id,
            ProductName = product.Name,
            UnitPrice = product.Price,
            Quantity = quantity,
        };
    }
}
