using JwtMvc.Core.Orders;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>Orders in <see cref="AppDbContext"/>. Lists page and sort in the database.</summary>
internal sealed class OrderRepository(AppDbContext db) : IOrderRepository
{
    public async Task AddAsync(Order order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            // The caller keeps the object; this context must not keep tracking it.
            foreach (var line in order.Lines)
            {
                db.Entry(line).State = EntityState.Detached;
            }

            db.Entry(order).State = EntityState.Detached;
        }
    }

    public Task<Order?> FindAsync(Guid orderId, CancellationToken cancellationToken) =>
        db.Orders
            .AsNoTracking()
            .Include(o => o.Lines.OrderBy(l => l.Number))
            .SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);

    public async Task<bool> TryCancelPendingAsync(Guid orderId, DateTimeOffset cancelledAt, CancellationToken cancellationToken)
    {
        var changed = await db.Orders
            .Where(o => o.Id == orderId && o.Status == OrderStatus.Pending)
            .ExecuteUpdateAsync(
                setters => setters
                    .SetProperty(o => o.Status, OrderStatus.Cancelled)
                    .SetProperty(o => o.CancelledAt, cancelledAt),
                cancellationToken);
        return changed == 1;
    }

    public async Task<PagedList<OrderSummary>> ListAsync(string? userId, OrderListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var orders = db.Orders.AsNoTracking();
        if (userId is not null)
        {
            orders = orders.Where(o => o.UserId == userId);
        }

        var totalCount = await orders.CountAsync(cancellationToken);

        // The id breaks ties, so equal totals or times never make a row appear on two pages or on none.
        var sorted = (query.SortBy, query.Descending) switch
        {
            (OrderSortField.Total, false) => orders.OrderBy(o => o.Total).ThenBy(o => o.Id),
            (OrderSortField.Total, true) => orders.OrderByDescending(o => o.Total).ThenByDescending(o => o.Id),
            (_, false) => orders.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id),
            (_, true) => orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id),
        };

        if (query.Skip >= totalCount)
        {
            return new PagedList<OrderSummary>([], query.Page, query.PageSize, totalCount); // a page past the end
        }

        var items = await sorted
            .Skip((int)query.Skip)
            .Take(query.PageSize)
            .Select(o => new OrderSummary(
                o.Id,
                o.UserId,
                db.Users.Where(u => u.Id == o.UserId).Select(u => u.UserName).FirstOrDefault(),
                o.Status,
                o.CreatedAt,
                o.Total,
                o.Currency,
                o.Lines.Count))
            .ToListAsync(cancellationToken);

        return new PagedList<OrderSummary>(items, query.Page, query.PageSize, totalCount);
    }
}
