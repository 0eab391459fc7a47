namespace JwtMvc.Core.Orders;

/// <summary>
/// One customer's order: its lines with the names and prices captured when it was placed, one currency, and a
/// total computed from those lines. Create orders with <see cref="Place"/>.
/// </summary>
public sealed class Order
{
    /// <summary>Most lines one order may have.</summary>
    public const int MaxLines = 50;

    private readonly List<OrderLine> _lines = [];

    private Order()
    {
    }

    public Guid Id { get; private init; }

    /// <summary>The owner: the only user who sees the order through /api/orders.</summary>
    public string UserId { get; private init; } = "";

    public OrderStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; private init; }

    public DateTimeOffset? CancelledAt { get; private set; }

    /// <summary>The one currency of every line and of the total.</summary>
    public string Currency { get; private init; } = "";

    /// <summary>The sum of the line totals, kept with the order so lists sort and page by it in the database.</summary>
    public decimal Total { get; private set; }

    public IReadOnlyList<OrderLine> Lines => _lines;

    public bool IsCancellable => Status == OrderStatus.Pending;

    /// <summary>
    /// A new pending order for <paramref name="items"/>, in the order given, at the products' current prices.
    /// </summary>
    /// <exception cref="ArgumentException">No items, too many, or a quantity outside 1..100.</exception>
    /// <exception cref="CurrencyMismatchException">The products are priced in more than one currency.</exception>
    public static Order Place(Guid id, string userId, DateTimeOffset createdAt, IReadOnlyList<(Product Product, int Quantity)> items)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count is 0 or > MaxLines)
        {
            throw new ArgumentException($"An order has 1 to {MaxLines} lines.", nameof(items));
        }

        if (items.Select(static i => i.Product.Id).Distinct().Count() != items.Count)
        {
            throw new ArgumentException("Each product appears in one line only.", nameof(items));
        }

        var order = new Order
        {
            Id = id,
            UserId = userId,
            Status = OrderStatus.Pending,
            CreatedAt = createdAt,
            Currency = items[0].Product.Currency,
        };
        var total = Money.Zero(order.Currency);
        foreach (var (product, quantity) in items)
        {
            // Money refuses to add another currency: one order, one currency.
            total = total.Add(product.UnitPrice.Times(quantity));
            order._lines.Add(OrderLine.For(order._lines.Count + 1, product, quantity));
        }

        order.Total = total.Amount;
        return order;
    }

    /// <summary>Cancels a pending order.</summary>
    /// <exception cref="InvalidOperationException">The order is not pending.</exception>
    public void Cancel(DateTimeOffset now)
    {
        if (!IsCancellable)
        {
            throw new InvalidOperationException($"Order {Id} is {Status}; only a pending order can be cancelled.");
        }

        Status = OrderStatus.Cancelled;
        CancelledAt = now;
    }

    /// <summary>Hands a pending order to the carrier.</summary>
    /// <exception cref="InvalidOperationException">The order is not pending.</exception>
    public void Ship()
    {
        Move(OrderStatus.Pending, OrderStatus.Shipped);
    }

    /// <summary>Marks a shipped order as delivered.</summary>
    /// <exception cref="InvalidOperationException">The order has not been shipped.</exception>
    public void Deliver()
    {
        Move(OrderStatus.Shipped, OrderStatus.Delivered);
    }

    private void Move(OrderStatus from, OrderStatus to)
    {
        if (Status != from)
        {
            throw new InvalidOperationException($"Order {Id} is {Status}; only a {from} order can become {to}.");
        }

        Status = to;
    }
}
