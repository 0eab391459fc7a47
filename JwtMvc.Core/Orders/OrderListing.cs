using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Orders;

/// <summary>What an order list is sorted by.</summary>
public enum OrderSortField
{
    CreatedAt,
    Total,
}

/// <summary>
/// One page of an order list: which page, how big, in which order. Build it with <see cref="TryCreate"/>, which
/// refuses (rather than clamps) what is out of range, so a client never gets a page it did not ask for.
/// </summary>
public sealed record OrderListQuery(int Page, int PageSize, OrderSortField SortBy, bool Descending)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const string DefaultSort = "-createdAt";

    private static readonly Dictionary<string, OrderSortField> s_sortFields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["createdAt"] = OrderSortField.CreatedAt,
        ["total"] = OrderSortField.Total,
    };

    /// <summary>Newest first, the first <see cref="DefaultPageSize"/>.</summary>
    public static OrderListQuery Default { get; } = new(1, DefaultPageSize, OrderSortField.CreatedAt, Descending: true);

    /// <summary>How many rows come before this page; a long, so no page number makes it wrap to a small one.</summary>
    public long Skip => (Page - 1L) * PageSize;

    /// <summary>
    /// Checks a page request: <paramref name="page"/> &gt;= 1, <paramref name="pageSize"/> 1..100,
    /// <paramref name="sort"/> <c>createdAt</c> or <c>total</c>, a leading <c>-</c> for descending (null: <c>-createdAt</c>).
    /// </summary>
    public static bool TryCreate(int page, int pageSize, string? sort, out OrderListQuery query, out IReadOnlyList<ValidationError> errors)
    {
        var found = new List<ValidationError>();
        if (page < 1)
        {
            found.Add(new ValidationError("page", "OutOfRange", "page must be 1 or more."));
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            found.Add(new ValidationError("pageSize", "OutOfRange", $"pageSize must be between 1 and {MaxPageSize}."));
        }

        sort = string.IsNullOrWhiteSpace(sort) ? DefaultSort : sort.Trim();
        var descending = sort.StartsWith('-');
        if (!s_sortFields.TryGetValue(descending ? sort[1..] : sort, out var field))
        {
            found.Add(new ValidationError("sort", "UnknownSort", "sort must be createdAt or total, with a leading '-' for descending (for example -createdAt)."));
        }

        query = found.Count == 0 ? new OrderListQuery(page, pageSize, field, descending) : Default;
        errors = found;
        return found.Count == 0;
    }
}

/// <summary>One page of a list and how many items the whole list has.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, int Page, int PageSize, int TotalCount);

/// <summary>An order as lists show it: no lines, their count, and who placed it.</summary>
public sealed record OrderSummary(
    Guid Id,
    string UserId,
    string? UserName,
    OrderStatus Status,
    DateTimeOffset CreatedAt,
    decimal Total,
    string Currency,
    int LineCount);
