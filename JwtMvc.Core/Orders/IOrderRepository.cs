namespace JwtMvc.Core.Orders;

/// <summary>Persistence of orders. Implemented in JwtMvc.Data.</summary>
public interface IOrderRepository
{
    Task AddAsync(Order order, CancellationToken cancellationToken);

    /// <summary>An order with its lines, whoever owns it; null when there is none.</summary>
    Task<Order?> FindAsync(Guid orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels the order only if it is still pending, in one conditional write, so a concurrent cancel or a
    /// shipment wins cleanly. Returns false, changing nothing, when it was no longer pending.
    /// </summary>
    Task<bool> TryCancelPendingAsync(Guid orderId, DateTimeOffset cancelledAt, CancellationToken cancellationToken);

    /// <summary>A page of one user's orders, or of everyone's when <paramref name="userId"/> is null.</summary>
    Task<PagedList<OrderSummary>> ListAsync(string? userId, OrderListQuery query, CancellationToken cancellationToken);
}
