using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Orders;

/// <summary>GET /api/orders paging and sorting, over a customer whose orders the fixture places itself.</summary>
public sealed class OrderPagingTests
{
    private JwtMvcFactory factory = null!;
    private SignedInClient customer = null!;

    /// <summary>The five orders in the order they were placed, a minute apart (the access token lasts 15), with totals out of step with time.</summary>
    private List<OrderBody> placed = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new JwtMvcFactory();
        customer = await factory.NewCustomerAsync("pagetester");
        var euros = (await customer.ProductsAsync()).Where(p => p.Currency == "EUR").OrderBy(p => p.Price).ToList();
        placed = [];
        foreach (var quantity in new[] { 3, 1, 5, 2, 4 })
        {
            placed.Add(await customer.PlaceAsync((euros[0].Id, quantity)));
            factory.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task By_default_the_newest_come_first_twenty_a_page()
    {
        var page = await customer.ListAsync();

        Assert.That((page.Page, page.PageSize, page.TotalCount), Is.EqualTo((1, 20, 5)));
        Assert.That(page.Items.Select(o => o.Id), Is.EqualTo(placed.Select(o => o.Id).Reverse()), "sort=-createdAt is the default");
        Assert.That(page.Items.Select(o => o.LineCount), Has.All.EqualTo(1), "list items count their lines");
    }

    [Test]
    public async Task Pages_are_the_right_slices_and_carry_the_total_count()
    {
        var first = await customer.ListAsync("?page=1&pageSize=2&sort=createdAt");
        var second = await customer.ListAsync("?page=2&pageSize=2&sort=createdAt");
        var last = await customer.ListAsync("?page=3&pageSize=2&sort=createdAt");
        var beyond = await customer.ListAsync("?page=4&pageSize=2&sort=createdAt");

        var ids = placed.Select(o => o.Id).ToList();
        Assert.That(first.Items.Select(o => o.Id), Is.EqualTo(ids[0..2]), "page 1");
        Assert.That(second.Items.Select(o => o.Id), Is.EqualTo(ids[2..4]), "page 2");
        Assert.That(last.Items.Select(o => o.Id), Is.EqualTo(ids[4..]), "the last page is short");
        Assert.That(beyond.Items, Is.Empty, "a page past the end is empty, not an error");
        Assert.That(new[] { first, second, last, beyond }.Select(p => p.TotalCount), Has.All.EqualTo(5), "totalCount counts the whole list");
        Assert.That((second.Page, second.PageSize), Is.EqualTo((2, 2)), "the page echoes what was asked");
    }

    [TestCase("total", false)]
    [TestCase("-total", true)]
    public async Task Sorting_by_total_orders_by_amount(string sort, bool descending)
    {
        var page = await customer.ListAsync($"?sort={Uri.EscapeDataString(sort)}");

        var expected = descending ? placed.OrderByDescending(o => o.Total) : placed.OrderBy(o => o.Total);
        Assert.That(page.Items.Select(o => o.Total), Is.EqualTo(expected.Select(o => o.Total)), $"sort={sort}, in the database (SQLite stores money as integers)");
    }

    [Test]
    public async Task Sorting_by_created_at_ascending_gives_the_oldest_first()
    {
        var page = await customer.ListAsync("?sort=createdAt");

        Assert.That(page.Items.Select(o => o.CreatedAt), Is.Ordered.Ascending);
        Assert.That(page.Items[0].Id, Is.EqualTo(placed[0].Id));
    }

    [TestCase("?page=0", "page")]
    [TestCase("?pageSize=0", "pageSize")]
    [TestCase("?pageSize=101", "pageSize")]
    [TestCase("?sort=price", "sort")]
    [TestCase("?sort=-name", "sort")]
    public async Task Out_of_range_paging_and_unknown_sorts_are_400_not_clamped(string query, string field)
    {
        var response = await customer.GetAsync("/api/orders" + query);

        var errors = await response.ValidationErrorsAsync($"{query} must be refused");
        Assert.That(errors.Keys, Is.EqualTo(new[] { field }), "the error names the parameter");
    }

    [Test]
    public async Task A_page_size_of_100_is_allowed()
    {
        var page = await customer.ListAsync("?pageSize=100");

        Assert.That(page.PageSize, Is.EqualTo(100));
        Assert.That(page.Items, Has.Count.EqualTo(5));
    }

    [Test]
    public async Task A_non_numeric_page_is_400()
    {
        var response = await customer.GetAsync("/api/orders?page=two");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
