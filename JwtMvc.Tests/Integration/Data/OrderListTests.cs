using System.Data.Common;
using System.Diagnostics;
using JwtMvc.Core.Orders;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// The order list's pages and totals over the Development seed, and the count it leaves out: a page that is neither
/// empty nor full is the last one, so it tells the total in one query (docs/PERFORMANCE.md, "Third session").
/// </summary>
[TestFixture]
public sealed class OrderListTests
{
    // Subscribed before the services exist: EF caches for a while whether anyone listens.
    private readonly CommandCounter counter = new();
    private IDisposable listening = null!;
    private DataServices data = null!;
    private string aliceId = "";
    private List<Guid> aliceOldestFirst = [];
    private int everyone;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        listening = DiagnosticListener.AllListeners.Subscribe(counter);
        data = DataServices.Create(DataServices.AliceAndBob, environment: "Development");
        await data.PrepareDatabaseAsync();
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        aliceId = await db.Users.Where(u => u.UserName == "alice").Select(u => u.Id).SingleAsync();
        aliceOldestFirst = [.. (await db.Orders.Where(o => o.UserId == aliceId).Select(o => new { o.Id, o.CreatedAt }).ToListAsync())
            .OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).Select(o => o.Id)];
        everyone = await db.Orders.CountAsync();
        Assert.That(aliceOldestFirst, Has.Count.GreaterThanOrEqualTo(3), "the seed gives alice several orders");
    }

    [OneTimeTearDown]
    public async Task DeleteDatabase()
    {
        await data.DisposeAsync();
        listening.Dispose();
        counter.Dispose();
    }

    [Test]
    public async Task A_first_page_that_holds_the_whole_list_gives_the_total_in_one_query()
    {
        var (page, commands) = await ListAsync(aliceId, page: 1, pageSize: aliceOldestFirst.Count + 1);

        Assert.That(page.Items.Select(o => o.Id), Is.EqualTo(aliceOldestFirst));
        Assert.That(page.TotalCount, Is.EqualTo(aliceOldestFirst.Count));
        Assert.That(commands, Is.EqualTo(1), "a short page is the last one: no count");
    }

    [Test]
    public async Task A_short_last_page_gives_the_total_in_one_query()
    {
        var (page, commands) = await ListAsync(aliceId, page: 2, pageSize: aliceOldestFirst.Count - 1);

        Assert.That(page.Items.Select(o => o.Id), Is.EqualTo(aliceOldestFirst[^1..]));
        Assert.That(page.TotalCount, Is.EqualTo(aliceOldestFirst.Count), "the rows before the page and on it");
        Assert.That(commands, Is.EqualTo(1));
    }

    [Test]
    public async Task A_full_page_counts_the_list()
    {
        var (page, commands) = await ListAsync(aliceId, page: 1, pageSize: aliceOldestFirst.Count);

        Assert.That(page.Items.Select(o => o.Id), Is.EqualTo(aliceOldestFirst));
        Assert.That(page.TotalCount, Is.EqualTo(aliceOldestFirst.Count), "a full page may have more behind it: counted");
        Assert.That(commands, Is.EqualTo(2));
    }

    [Test]
    public async Task A_page_past_the_end_is_empty_and_counts_the_list()
    {
        var (page, commands) = await ListAsync(aliceId, page: aliceOldestFirst.Count + 1, pageSize: 1);

        Assert.That(page.Items, Is.Empty);
        Assert.That(page.TotalCount, Is.EqualTo(aliceOldestFirst.Count));
        Assert.That(commands, Is.EqualTo(2));
    }

    [Test]
    public async Task An_empty_list_is_a_total_of_zero_in_one_query()
    {
        var (page, commands) = await ListAsync(Guid.NewGuid().ToString(), page: 1, pageSize: 20);

        Assert.That((page.Items.Count, page.TotalCount), Is.EqualTo((0, 0)));
        Assert.That(commands, Is.EqualTo(1));
    }

    [Test]
    public async Task Everyones_list_counts_every_order()
    {
        var (shortPage, _) = await ListAsync(userId: null, page: 1, pageSize: OrderListQuery.MaxPageSize);
        var (fullPage, _) = await ListAsync(userId: null, page: 1, pageSize: 1);

        Assert.That(everyone, Is.LessThan(OrderListQuery.MaxPageSize), "the seed fits on one page");
        Assert.That((shortPage.Items.Count, shortPage.TotalCount), Is.EqualTo((everyone, everyone)));
        Assert.That((fullPage.Items.Count, fullPage.TotalCount), Is.EqualTo((1, everyone)));
    }

    /// <summary>
    /// A user's orders grow with every purchase and everyone's with every user: each list reads an index in the order
    /// of the page and stops at its end, never sorting the whole list (SQLite's "USE TEMP B-TREE FOR ORDER BY") for it.
    /// Ties on the sort key (equal totals or times) may still be ordered by id among themselves.
    /// </summary>
    [Test]
    public async Task Every_sort_of_every_list_reads_an_index_in_order_instead_of_sorting_the_list(
        [Values] bool own, [Values] OrderSortField sortBy, [Values] bool descending)
    {
        await ListAsync(own ? aliceId : null, page: 1, pageSize: 2, sortBy, descending);
        var (query, parameters) = counter.FirstCommand!.Value;

        await using var scope = data.NewScope();
        var connection = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query;
        foreach (var (name, value) in parameters)
        {
            var parameter = explain.CreateParameter();
            (parameter.ParameterName, parameter.Value) = (name, value);
            explain.Parameters.Add(parameter);
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var column = sortBy == OrderSortField.Total ? "Total" : "CreatedAt";
        var index = own ? $"IX_Orders_UserId_{column} (UserId=?)" : $"IX_Orders_{column}_Id";
        Assert.That(plan, Has.Some.Contains("INDEX " + index), string.Join("; ", plan));
        Assert.That(plan, Has.None.EqualTo("USE TEMP B-TREE FOR ORDER BY"), string.Join("; ", plan));
    }

    /// <summary>A page, oldest first unless told, and how many commands the scope's context ran for it.</summary>
    private async Task<(PagedList<OrderSummary> Page, int Commands)> ListAsync(
        string? userId, int page, int pageSize, OrderSortField sortBy = OrderSortField.CreatedAt, bool descending = false)
    {
        await using var scope = data.NewScope();
        var context = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        counter.Watch(context);
        var list = await scope.ServiceProvider.GetRequiredService<IOrderRepository>()
            .ListAsync(userId, new OrderListQuery(page, pageSize, sortBy, descending), CancellationToken.None);
        return (list, counter.Commands);
    }

    /// <summary>Counts the commands one context executes (other tests' contexts run in parallel).</summary>
    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly List<IDisposable> subscriptions = [];
        private DbContext? context;
        private int commands;

        public void Watch(DbContext watched)
        {
            Volatile.Write(ref context, watched);
            Interlocked.Exchange(ref commands, 0);
            FirstCommand = null;
        }

        public int Commands => Volatile.Read(ref commands);

        /// <summary>The text and parameters of the first command since <see cref="Watch"/>.</summary>
        public (string Text, (string Name, object? Value)[] Parameters)? FirstCommand { get; private set; }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                subscriptions.Add(value.Subscribe(this));
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuting.Name && value.Value is CommandEventData data && ReferenceEquals(data.Context, Volatile.Read(ref context)))
            {
                if (Interlocked.Increment(ref commands) == 1)
                {
                    FirstCommand = (data.Command.CommandText, [.. data.Command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]);
                }
            }
        }

        public void Dispose()
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }
    }
}
