using JwtMvc.Core.Auth;
using JwtMvc.Core.Orders;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtMvc.Data.Seeding;

/// <summary>
/// Fills a database with what a developer needs to try the app. Idempotent: what exists is left alone, so a
/// restart, or a second instance racing this one on the same database, adds nothing. One method per kind of data.
/// </summary>
internal sealed partial class DevelopmentSeeder(
    UserManager<AppUser> users,
    RoleManager<IdentityRole> roles,
    AppDbContext db,
    IOptions<SeedOptions> options,
    TimeProvider clock,
    ILogger<DevelopmentSeeder> logger)
{
    private static readonly string[] s_duplicateCodes =
    [
        nameof(IdentityErrorDescriber.DuplicateRoleName),
        nameof(IdentityErrorDescriber.DuplicateUserName),
        nameof(IdentityErrorDescriber.DuplicateEmail),
        nameof(IdentityErrorDescriber.UserAlreadyInRole),
    ];

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await SeedRolesAsync(cancellationToken);
        await SeedUsersAsync(cancellationToken);
        await SeedProductsAsync(cancellationToken);
        await SeedOrdersAsync(cancellationToken);
    }

    private async Task SeedRolesAsync(CancellationToken cancellationToken)
    {
        var wanted = AppRoles.All
            .Concat(options.Value.Users.SelectMany(u => u.Roles))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var role in wanted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await roles.RoleExistsAsync(role))
            {
                continue;
            }

            if (await TryCreateAsync(() => roles.CreateAsync(new IdentityRole(role)), "role " + role))
            {
                Log.RoleCreated(logger, role);
            }
        }
    }

    private async Task SeedUsersAsync(CancellationToken cancellationToken)
    {
        foreach (var seed in options.Value.Users)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var user = await users.FindByNameAsync(seed.UserName);
            if (user is null)
            {
                var created = new AppUser
                {
                    UserName = seed.UserName,
                    Email = seed.Email,
                    EmailConfirmed = seed.Email is not null,
                    DisplayName = seed.DisplayName,
                };
                if (await TryCreateAsync(() => users.CreateAsync(created, seed.Password), "user " + seed.UserName))
                {
                    Log.UserCreated(logger, seed.UserName);
                }

                user = await users.FindByNameAsync(seed.UserName);
                if (user is null)
                {
                    continue;
                }
            }

            foreach (var role in seed.Roles)
            {
                if (!await users.IsInRoleAsync(user, role))
                {
                    await TryCreateAsync(() => users.AddToRoleAsync(user, role), "role " + role + " of user " + seed.UserName);
                }
            }
        }
    }

    private async Task SeedProductsAsync(CancellationToken cancellationToken)
    {
        var ids = SampleOrders.Products.Select(p => p.Id).ToList();
        var present = await db.Products.Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(cancellationToken);
        var missing = SampleOrders.Products.Where(p => !present.Contains(p.Id)).ToList();
        if (missing.Count == 0)
        {
            Log.AlreadySeeded(logger, "products");
            return;
        }

        db.Products.AddRange(missing);
        if (await TrySaveAsync("products", cancellationToken))
        {
            Log.ProductsCreated(logger, missing.Count);
        }
    }

    /// <summary>
    /// Sample orders for the users they name, when <c>Seed:Users</c> names them too: an account that merely has such
    /// a name (a real customer called alice, where only a first admin is seeded) gets none.
    /// </summary>
    private async Task SeedOrdersAsync(CancellationToken cancellationToken)
    {
        var ids = SampleOrders.Orders.Select(o => SampleOrders.OrderId(o.Number)).ToList();
        var present = await db.Orders.Where(o => ids.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        var seeded = options.Value.Users.Select(u => u.UserName.ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var userNames = SampleOrders.Orders.Select(o => o.UserName.ToUpperInvariant()).Distinct().Where(seeded.Contains).ToList();
        var userIds = await db.Users
            .Where(u => u.NormalizedUserName != null && userNames.Contains(u.NormalizedUserName))
            .ToDictionaryAsync(u => u.NormalizedUserName!, u => u.Id, cancellationToken);

        var now = clock.GetUtcNow();
        var added = 0;
        foreach (var sample in SampleOrders.Orders)
        {
            if (present.Contains(SampleOrders.OrderId(sample.Number))
                || !userIds.TryGetValue(sample.UserName.ToUpperInvariant(), out var userId))
            {
                continue;
            }

            db.Orders.Add(SampleOrders.Build(sample, userId, now));
            added++;
        }

        if (added > 0 && await TrySaveAsync("orders", cancellationToken))
        {
            Log.OrdersCreated(logger, added);
        }
    }

    /// <summary>
    /// Saves what was added; false when another instance seeded the same rows first (their fixed ids collide),
    /// in which case nothing of this batch is kept: SaveChanges is one transaction.
    /// </summary>
    private async Task<bool> TrySaveAsync(string what, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            Log.AlreadySeeded(logger, what);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Runs one Identity create; false when it already existed, whether Identity's check or the database's
    /// unique index (another instance was faster) said so. Any other failure stops the start.
    /// </summary>
    private async Task<bool> TryCreateAsync(Func<Task<IdentityResult>> create, string what)
    {
        try
        {
            var result = await create();
            if (result.Succeeded)
            {
                return true;
            }

            if (result.Errors.All(e => s_duplicateCodes.Contains(e.Code)))
            {
                Log.AlreadySeeded(logger, what);
                return false;
            }

            throw new InvalidOperationException(
                $"Seeding {what} failed (check the Seed section): {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            Log.AlreadySeeded(logger, what);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Seeded role {Role}")]
        public static partial void RoleCreated(ILogger logger, string role);

        [LoggerMessage(Level = LogLevel.Information, Message = "Seeded user {UserName}")]
        public static partial void UserCreated(ILogger logger, string userName);

        [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} products")]
        public static partial void ProductsCreated(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Count} orders")]
        public static partial void OrdersCreated(ILogger logger, int count);

        [LoggerMessage(Level = LogLevel.Debug, Message = "Seed data already present: {What}")]
        public static partial void AlreadySeeded(ILogger logger, string what);
    }
}
