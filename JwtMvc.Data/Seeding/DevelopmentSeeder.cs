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

        // The product catalogue and sample orders (a later issue) go here, each in its own method, after the users.
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

        [LoggerMessage(Level = LogLevel.Debug, Message = "Seed data already present: {What}")]
        public static partial void AlreadySeeded(ILogger logger, string what);
    }
}
