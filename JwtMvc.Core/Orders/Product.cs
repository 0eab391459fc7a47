namespace JwtMvc.Core.Orders;

/// <summary>
/// A catalogue entry. Its price may change at any time; orders copy the name and price into their lines when
/// they are placed, so a change never alters an order that already exists.
/// </summary>
public sealed class Product
{
    public const int NameMaxLength = 200;

    public Guid Id { get; init; }

    public required string Name { get; set; }

    /// <summary>The current unit price in <see cref="Currency"/>.</summary>
    public decimal Price { get; set; }

    /// <summary>ISO 4217 code, three upper-case letters.</summary>
    public required string Currency { get; set; }

    public Money UnitPrice => new(Price, Currency);
}
