using JwtMvc.Core.Validation;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Core.Orders;

/// <summary>
/// The order rules: who sees which order, what a valid order is, when it may be cancelled. Every user sees
/// their own orders only; someone else's order is "not found", never "forbidden", so ids reveal nothing.
/// </summary>
public sealed partial class OrderService(
    IOrderRepository orders,
    IProductCatalogue products,
    TimeProvider clock,
    ILogger<OrderService> logger)
{
    public Task<IReadOnlyList<Product>> ListProductsAsync(CancellationToken cancellationToken) =>
        products.ListAsync(cancellationToken);

    /// <summary>
    /// Places an order for <paramref name="userId"/>: 1 to <see cref="Order.MaxLines"/> lines, known products,
    /// quantities 1..100, each product in one line only, all products in one currency. Prices are the current ones.
    /// Every broken rule is answered, a missing (null) line under its own index among them.
    /// </summary>
    public async Task<PlaceOrderResult> PlaceAsync(string userId, IReadOnlyList<OrderItemRequest?>? items, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (items is null || items.Count == 0)
        {
            return new PlaceOrderResult.ValidationFailed([new ValidationError("items", "NoLines", "An order needs at least one line.")]);
        }

        if (items.Count > Order.MaxLines)
        {
            return new PlaceOrderResult.ValidationFailed([new ValidationError("items", "TooManyLines", $"An order has at most {Order.MaxLines} lines.")]);
        }

        var known = await products.FindAsync([.. items.OfType<OrderItemRequest>().Select(static i => i.ProductId).Distinct()], cancellationToken);
        var errors = new List<ValidationError>();
        var lines = new List<(Product Product, int Quantity)>(items.Count);
        var firstLineOf = new Dictionary<Guid, int>();
        string? currency = null;
        for (var index = 0; index < items.Count; index++)
        {
            if (items[index] is not { } item)
            {
                errors.Add(new ValidationError($"items[{index}]", "LineRequired", "Each line is an object with a productId and a quantity."));
                continue;
            }

            var prefix = $"items[{index}].";
            if (item.Quantity is < OrderLine.MinQuantity or > OrderLine.MaxQuantity)
            {
                errors.Add(new ValidationError(prefix + "quantity", "QuantityOutOfRange", $"quantity must be between {OrderLine.MinQuantity} and {OrderLine.MaxQuantity}."));
            }

            if (!known.TryGetValue(item.ProductId, out var product))
            {
                errors.Add(new ValidationError(prefix + "productId", "UnknownProduct", $"There is no product {item.ProductId}."));
                continue;
            }

            if (!firstLineOf.TryAdd(product.Id, index))
            {
                errors.Add(new ValidationError(prefix + "productId", "DuplicateProduct",
                    $"{product.Name} is already in items[{firstLineOf[product.Id]}]; put the whole quantity in one line."));
                continue;
            }

            currency ??= product.Currency;
            if (!string.Equals(product.Currency, currency, StringComparison.Ordinal))
            {
                errors.Add(new ValidationError(prefix + "productId", "MixedCurrency",
                    $"{product.Name} is priced in {product.Currency}, but this order is in {currency}; one order has one currency."));
                continue;
            }

            lines.Add((product, item.Quantity));
        }

        if (errors.Count > 0)
        {
            return new PlaceOrderResult.ValidationFailed(errors);
        }

        var now = clock.GetUtcNow();
        var order = Order.Place(Guid.CreateVersion7(now), userId, now, lines);
        await orders.AddAsync(order, cancellationToken);
        Log.Placed(logger, order.Id, userId, order.Lines.Count);
        return new PlaceOrderResult.Placed(order);
    }

    /// <summary>The order when <paramref name="userId"/> owns it; null otherwise, whether it exists or not.</summary>
    public async Task<Order?> FindAsync(string userId, Guid orderId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var order = await orders.FindAsync(orderId, cancellationToken);
        return order is not null && string.Equals(order.UserId, userId, StringComparison.Ordinal) ? order : null;
    }

    /// <summary>Cancels the caller's own pending order.</summary>
    public async Task<CancelOrderResult> CancelAsync(string userId, Guid orderId, CancellationToken cancellationToken)
    {
        var order = await FindAsync(userId, orderId, cancellationToken);
        if (order is null)
        {
            return new CancelOrderResult.NotFound();
        }

        if (!order.IsCancellable)
        {
            return new CancelOrderResult.NotPending(order.Status);
        }

        var now = clock.GetUtcNow();
        if (!await orders.TryCancelPendingAsync(order.Id, now, cancellationToken))
        {
            // Changed between the read and the write (a second cancel, a shipment): report what it is now.
            var current = await orders.FindAsync(order.Id, cancellationToken);
            return current is null ? new CancelOrderResult.NotFound() : new CancelOrderResult.NotPending(current.Status);
        }

        order.Cancel(now);
        Log.Cancelled(logger, order.Id, userId);
        return new CancelOrderResult.Cancelled(order);
    }

    /// <summary>A page of <paramref name="userId"/>'s own orders.</summary>
    public Task<ListOrdersResult> ListOwnAsync(string userId, int page, int pageSize, string? sort, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return ListAsync(userId, page, pageSize, sort, cancellationToken);
    }

    /// <summary>A page of every user's orders; for administrators (the caller checks the role).</summary>
    public Task<ListOrdersResult> ListAllAsync(int page, int pageSize, string? sort, CancellationToken cancellationToken) =>
        ListAsync(userId: null, page, pageSize, sort, cancellationToken);

    private async Task<ListOrdersResult> ListAsync(string? userId, int page, int pageSize, string? sort, CancellationToken cancellationToken)
    {
        if (!OrderListQuery.TryCreate(page, pageSize, sort, out var query, out var errors))
        {
            return new ListOrdersResult.ValidationFailed(errors);
        }

        return new ListOrdersResult.Listed(await orders.ListAsync(userId, query, cancellationToken));
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} placed by user {UserId} with {LineCount} lines")]
        public static partial void Placed(ILogger logger, Guid orderId, string userId, int lineCount);

        [LoggerMessage(Level = LogLevel.Information, Message = "Order {OrderId} cancelled by user {UserId}")]
        public static partial void Cancelled(ILogger logger, Guid orderId, string userId);
    }
}
