using JwtMvc.Core.Orders;

namespace JwtMvc.Tests.Unit.Orders;

/// <summary>Paging and sorting parameters of the order lists.</summary>
public sealed class OrderListQueryTests
{
    [TestCase("createdAt", OrderSortField.CreatedAt, false)]
    [TestCase("-createdAt", OrderSortField.CreatedAt, true)]
    [TestCase("total", OrderSortField.Total, false)]
    [TestCase("-total", OrderSortField.Total, true)]
    [TestCase(null, OrderSortField.CreatedAt, true)]
    public void Sort_names_a_field_and_a_leading_minus_means_descending(string? sort, OrderSortField field, bool descending)
    {
        var valid = OrderListQuery.TryCreate(1, 20, sort, out var query, out var errors);

        Assert.That(valid, Is.True, $"'{sort}' is a valid sort");
        Assert.That(errors, Is.Empty);
        Assert.That((query.SortBy, query.Descending), Is.EqualTo((field, descending)));
    }

    [TestCase(0, 20, "page")]
    [TestCase(-1, 20, "page")]
    [TestCase(1, 0, "pageSize")]
    [TestCase(1, 101, "pageSize")]
    public void Out_of_range_paging_is_refused_not_clamped(int page, int pageSize, string field)
    {
        var valid = OrderListQuery.TryCreate(page, pageSize, "-createdAt", out _, out var errors);

        Assert.That(valid, Is.False, $"page={page}, pageSize={pageSize} must be refused");
        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
    }

    [TestCase("name")]
    [TestCase("--total")]
    [TestCase("-")]
    public void An_unknown_sort_is_refused(string sort)
    {
        var valid = OrderListQuery.TryCreate(1, 20, sort, out _, out var errors);

        Assert.That(valid, Is.False, $"'{sort}' is not a sort");
        Assert.That(errors.Single().Field, Is.EqualTo("sort"));
    }

    [Test]
    public void The_largest_page_is_100_and_skip_counts_the_pages_before()
    {
        var valid = OrderListQuery.TryCreate(3, 100, "total", out var query, out _);

        Assert.That(valid, Is.True, "pageSize 100 is allowed");
        Assert.That(query.Skip, Is.EqualTo(200));
    }
}
