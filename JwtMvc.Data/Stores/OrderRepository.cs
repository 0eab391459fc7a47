using System.Linq.Expressions;
using JwtMvc.Core.Orders;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>Orders in <see cref="AppDbContext"/>. Lists page and sort in the database.</summary>
internal sealed class OrderRepository(AppDbContext db) : IOrderRepository
{
    private static readonly Func<AppDbContext, string, CancellationToken, Task<int>> CountOwnQuery =
        EF.CompileAsyncQuery((AppDbContext context, string userId, CancellationToken _) => context.Orders.Count(o => o.UserId == userId));

    private static readonly Func<AppDbContext, CancellationToken, Task<int>> CountAllQuery =
        EF.CompileAsyncQuery((AppDbContext context, CancellationToken _) => context.Orders.Count());

    // The list's pages, compiled once per filter (one user's or everyone's) and order. The id breaks ties, so equal
    // totals or times never make a row appear on two pages or on none.
    private static readonly Dictionary<(bool Own, OrderSortField SortBy, bool Descending), Func<AppDbContext, string, int, int, IAsyncEnumerable<OrderSummary>>> PageQueries = new()
    {
        [(true, OrderSortField.CreatedAt, false)] = CompilePage((db, userId) => db.Orders.Where(o => o.UserId == userId).OrderBy(o => o.CreatedAt).ThenBy(o => o.Id)),
        [(true, OrderSortField.CreatedAt, true)] = CompilePage((db, userId) => db.Orders.Where(o => o.UserId == userId).OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)),
        [(true, OrderSortField.Total, false)] = CompilePage((db, userId) => db.Orders.Where(o => o.UserId == userId).OrderBy(o => o.Total).ThenBy(o => o.Id)),
        [(true, OrderSortField.Total, true)] = CompilePage((db, userId) => db.Orders.Where(o => o.UserId == userId).OrderByDescending(o => o.Total).ThenByDescending(o => o.Id)),
        [(false, OrderSortField.CreatedAt, false)] = CompilePage((db, _) => db.Orders.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id)),
        [(false, OrderSortField.CreatedAt, true)] = CompilePage((db, _) => db.Orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)),
        [(false, OrderSortField.Total, false)] = CompilePage((db, _) => db.Orders.OrderBy(o => o.Total).ThenBy(o => o.Id)),
        [(false, OrderSortField.Total, true)] = CompilePage((db, _) => db.Orders.OrderByDescending(o => o.Total).ThenByDescending(o => o.Id)),
    };

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
        if (query.Skip > int.MaxValue)
        {
            return new PagedList<OrderSummary>([], query.Page, query.PageSize, await CountAsync(userId, cancellationToken)); // past any end
        }

        var skip = (int)query.Skip;
        var items = new List<OrderSummary>(query.PageSize);
        await foreach (var item in PageQueries[(userId is not null, query.SortBy, query.Descending)](db, userId ?? "", skip, query.PageSize).WithCancellation(cancellationToken))
        {
            items.Add(item);
        }

        // A page that is neither empty nor full is the last one, and an empty first page means an empty list: either
        // tells the total without the count. Only a full page or one past the end needs it.
        var total = (items.Count > 0 && items.Count < query.PageSize) || (skip == 0 && items.Count == 0)
            ? skip + items.Count
            : await CountAsync(userId, cancellationToken);
        return new PagedList<OrderSummary>(items, query.Page, query.PageSize, total);
    }

    private Task<int> CountAsync(string? userId, CancellationToken cancellationToken) =>
        userId is null ? CountAllQuery(db, cancellationToken) : CountOwnQuery(db, userId, cancellationToken);

    /// <summary>One page of <paramref name="sorted"/> as list items, compiled: the rows to skip and to take are parameters.</summary>
    private static Func<AppDbContext, string, int, int, IAsyncEnumerable<OrderSummary>> CompilePage(
        Expression<Func<AppDbContext, string, IOrderedQueryable<Order>>> sorted)
    {
        var skip = Expression.Parameter(typeof(int), "skip");
        var take = Expression.Parameter(typeof(int), "take");
        var db = sorted.Parameters[0];
        Expression<Func<IOrderedQueryable<Order>, AppDbContext, int, int, IQueryable<OrderSummary>>> page = (orders, context, skipped, taken) => orders
            .AsNoTracking()
            .Skip(skipped)
            .Take(taken)
            .Select(o => new OrderSummary(
                o.Id,
                o.UserId,
                context.Users.Where(u => u.Id == o.UserId).Select(u => u.UserName).FirstOrDefault(),
                o.Status,
                o.CreatedAt,
                o.Total,
                o.Currency,
                o.Lines.Count));
        var body = new ParameterReplacer(new Dictionary<ParameterExpression, Expression>
        {
            [page.Parameters[0]] = sorted.Body,
            [page.Parameters[1]] = db,
            [page.Parameters[2]] = skip,
            [page.Parameters[3]] = take,
        }).Visit(page.Body);
        return EF.CompileAsyncQuery(Expression.Lambda<Func<AppDbContext, string, int, int, IQueryable<OrderSummary>>>(body, db, sorted.Parameters[1], skip, take));
    }

    private sealed class ParameterReplacer(Dictionary<ParameterExpression, Expression> replacements) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) =>
            replacements.TryGetValue(node, out var replacement) ? replacement : base.VisitParameter(node);
    }
}
