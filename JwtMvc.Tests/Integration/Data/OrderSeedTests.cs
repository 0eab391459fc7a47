using JwtMvc.Core.Orders;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>The Development catalogue and sample orders: present, varied, and seeded once however often the app starts.</summary>
[TestFixture]
public sealed class OrderSeedTests
{
    private static readonly Dictionary<string, string?> s_seed = DataServices.AliceAndBob;

    [Test]
    public async Task The_seed_has_a_catalogue_and_orders_for_alice_and_bob_in_several_states_and_times()
    {
        // Arrange
        await using var data = DataServices.Create(s_seed, environment: "Development");

        // Act
        await data.PrepareDatabaseAsync();

        // Assert
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.That(await db.Products.CountAsync(), Is.GreaterThanOrEqualTo(10), "a catalogue of at least 10 products");
        var orders = await db.Orders
            .Join(db.Users, o => o.UserId, u => u.Id, (o, u) => new { u.UserName, o.Status, o.CreatedAt, o.Total })
            .ToListAsync();
        Assert.That(orders.Select(o => o.UserName).Distinct(), Is.EquivalentTo(new[] { "alice", "bob" }));
        Assert.That(orders.Where(o => o.UserName == "alice").Select(o => o.Status).Distinct().Count(), Is.GreaterThanOrEqualTo(3), "alice's orders differ in status");
        Assert.That(orders.Select(o => o.CreatedAt).Distinct().Count(), Is.EqualTo(orders.Count), "every order has its own time, so sorting shows");
        Assert.That(orders.Select(o => o.CreatedAt), Has.All.LessThanOrEqualTo(data.Time.GetUtcNow()), "placed before the seed ran");
        Assert.That(orders.Select(o => o.Total), Has.All.GreaterThan(0m), "totals are computed from the lines");
    }

    [Test]
    public async Task An_account_the_seed_settings_do_not_name_gets_no_sample_orders()
    {
        // Arrange: production, where the seed settings create a first admin only, and a real customer is called alice.
        await using var data = DataServices.Create(new Dictionary<string, string?>
        {
            ["Seed:Users:0:UserName"] = "admin",
            ["Seed:Users:0:Email"] = "admin@example.test",
            ["Seed:Users:0:Password"] = "Admin#12345",
            ["Seed:Users:0:Roles:0"] = "Admin",
        }, environment: "Production");
        await data.PrepareDatabaseAsync();
        await data.CreateUserAsync("alice");

        // Act: the next start.
        await data.PrepareDatabaseAsync();

        // Assert
        await using var scope = data.NewScope();
        Assert.That(await scope.ServiceProvider.GetRequiredService<AppDbContext>().Orders.CountAsync(), Is.Zero, "no sample orders for an account the seed did not name");
    }

    [Test]
    public async Task Seeding_again_and_from_a_second_instance_adds_no_products_or_orders()
    {
        // Arrange
        await using var first = DataServices.Create(s_seed, environment: "Development");
        await first.PrepareDatabaseAsync();
        var afterFirst = await CountAsync(first);

        // Act
        await first.PrepareDatabaseAsync();
        await using var second = DataServices.SharingDatabaseWith(first, s_seed, environment: "Development");
        await second.PrepareDatabaseAsync();

        // Assert
        Assert.That(afterFirst.Products, Is.GreaterThanOrEqualTo(10));
        Assert.That(afterFirst.Orders, Is.GreaterThan(0));
        Assert.That(await CountAsync(first), Is.EqualTo(afterFirst), "a restart or another instance adds nothing");
    }

    [Test]
    public async Task Two_instances_seeding_together_seed_once()
    {
        // Arrange
        await using var first = DataServices.Create(s_seed, environment: "Development");
        await using var second = DataServices.SharingDatabaseWith(first, s_seed, environment: "Development");
        await using var reference = DataServices.Create(s_seed, environment: "Development");
        await reference.PrepareDatabaseAsync();

        // Act
        await Task.WhenAll(Task.Run(first.PrepareDatabaseAsync), Task.Run(second.PrepareDatabaseAsync));

        // Assert
        Assert.That(await CountAsync(first), Is.EqualTo(await CountAsync(reference)), "the race ends with exactly one copy of the seed");
    }

    [Test]
    public async Task Seeded_orders_keep_their_prices_when_the_catalogue_changes()
    {
        // Arrange
        await using var data = DataServices.Create(s_seed, environment: "Development");
        await data.PrepareDatabaseAsync();
        var totalsBefore = await TotalsAsync(data);

        // Act
        await using (var scope = data.NewScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Products.ExecuteUpdateAsync(s => s.SetProperty(p => p.Price, p => p.Price * 2));
        }

        // Assert
        Assert.That(await TotalsAsync(data), Is.EqualTo(totalsBefore), "order totals and line prices are captured, not looked up");
    }

    private static async Task<List<decimal>> TotalsAsync(DataServices data)
    {
        await using var scope = data.NewScope();
        var orders = scope.ServiceProvider.GetRequiredService<IOrderRepository>();
        var page = await orders.ListAsync(null, OrderListQuery.Default, CancellationToken.None);
        var lines = new List<decimal>();
        foreach (var summary in page.Items)
        {
            var order = (await orders.FindAsync(summary.Id, CancellationToken.None))!;
            lines.Add(order.Total);
            lines.AddRange(order.Lines.Select(l => l.UnitPrice));
        }

        return lines;
    }

    private static async Task<(int Products, int Orders, int Lines)> CountAsync(DataServices data)
    {
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.Products.CountAsync(), await db.Orders.CountAsync(), await db.Set<OrderLine>().CountAsync());
    }
}
