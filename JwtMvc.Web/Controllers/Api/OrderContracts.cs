using System.ComponentModel.DataAnnotations;
using JwtMvc.Core.Orders;

namespace JwtMvc.Web.Controllers.Api;

/// <summary>POST /api/orders. The rules (known products, quantities, one currency) are checked by the order service.</summary>
public sealed class PlaceOrderRequest
{
    [Required]
    public List<PlaceOrderItem>? Items { get; init; }
}

public sealed class PlaceOrderItem
{
    public Guid ProductId { get; init; }

    public int Quantity { get; init; }
}

public sealed record ProductDto(Guid Id, string Name, decimal Price, string Currency)
{
    public static ProductDto From(Product product) => new(product.Id, product.Name, product.Price, product.Currency);
}

public sealed record OrderLineDto(Guid ProductId, string ProductName, decimal UnitPrice, int Quantity, decimal LineTotal)
{
    public static OrderLineDto From(OrderLine line) => new(line.ProductId, line.ProductName, line.UnitPrice, line.Quantity, line.LineTotal);
}

/// <summary>One order with its lines (GET /api/orders/{id}, POST /api/orders, cancel).</summary>
public sealed record OrderDto(Guid Id, string Status, DateTimeOffset CreatedAt, DateTimeOffset? CancelledAt, decimal Total, string Currency, IReadOnlyList<OrderLineDto> Lines)
{
    public static OrderDto From(Order order) => new(
        order.Id,
        order.Status.ToString(),
        order.CreatedAt,
        order.CancelledAt,
        order.Total,
        order.Currency,
        [.. order.Lines.Select(OrderLineDto.From)]);
}

/// <summary>An order in a list: no lines (GET /api/orders/{id} has them), their count instead.</summary>
public sealed record OrderListItemDto(Guid Id, string Status, DateTimeOffset CreatedAt, decimal Total, string Currency, int LineCount)
{
    public static OrderListItemDto From(OrderSummary order) =>
        new(order.Id, order.Status.ToString(), order.CreatedAt, order.Total, order.Currency, order.LineCount);
}

/// <summary>An order in the admin list: a list item and who placed it.</summary>
public sealed record AdminOrderListItemDto(Guid Id, string Status, DateTimeOffset CreatedAt, decimal Total, string Currency, int LineCount, string UserId, string? UserName)
{
    public static AdminOrderListItemDto From(OrderSummary order) =>
        new(order.Id, order.Status.ToString(), order.CreatedAt, order.Total, order.Currency, order.LineCount, order.UserId, order.UserName);
}

public sealed record PageDto<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount)
{
    public static PageDto<T> From<TSource>(PagedList<TSource> page, Func<TSource, T> map) =>
        new([.. page.Items.Select(map)], page.Page, page.PageSize, page.TotalCount);
}
