using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Data.Providers;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class DatabasePreparationTests
{
    private static readonly Dictionary<string, string?> s_seed = new()
    {
        ["Seed:Users:0:UserName"] = "admin",
        ["Seed:Users:0:Email"] = "admin@jwtmvc.local",
        ["Seed:Users:0:Password"] = "Admin#12345",
        ["Seed:Users:0:Roles:0"] = "Admin",
        ["Seed:Users:1:UserName"] = "alice",
        ["Seed:Users:1:Email"] = "alice@jwtmvc.local",
        ["Seed:Users:1:Password"] = "Alice#12345",
        ["Seed:Users:1:DisplayName"] = "Alice",
        ["Seed:Users:1:Roles:0"] = "User",
    };

    [Test]
    public async Task Migrations_apply_to_a_fresh_sqlite_file_under_the_content_root()
    {
        // Arrange
        await using var data = DataServices.Create();

        // Act
        await data.PrepareDatabaseAsync();

        // Assert
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.That(db, Is.InstanceOf<SqliteAppDbContext>(), "Sqlite is the default provider");
        Assert.That(File.Exists(data.DatabasePath), Is.True, "the relative Data Source is resolved against the content root");
        Assert.That(await db.Database.GetPendingMigrationsAsync(), Is.Empty);
        var applied = (await db.Database.GetAppliedMigrationsAsync()).ToList();
        Assert.That(applied, Is.EqualTo(db.Database.GetMigrations()), "every migration of the assembly is applied, in order");
        Assert.That(applied[0], Does.EndWith("_Initial"));
        Assert.That(await db.Roles.Select(r => r.Name).ToListAsync(), Is.EquivalentTo(AppRoles.All), "the roles come with the schema");
        Assert.That(await db.Sessions.CountAsync(), Is.Zero);
        Assert.That(await db.DataProtectionKeys.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task Outside_development_without_seed_settings_no_users_are_seeded()
    {
        // Arrange
        await using var data = DataServices.Create(environment: "Production");

        // Act
        await data.PrepareDatabaseAsync();

        // Assert
        Assert.That(await CountAsync(data), Is.EqualTo((Users: 0, Roles: 2, UserRoles: 0)));
    }

    [Test]
    public async Task Seeding_twice_and_from_a_second_instance_adds_nothing()
    {
        // Arrange
        await using var first = DataServices.Create(s_seed);
        await first.PrepareDatabaseAsync();
        var afterFirst = await CountAsync(first);

        // Act
        await first.PrepareDatabaseAsync();
        await using var second = DataServices.SharingDatabaseWith(first, s_seed);
        await second.PrepareDatabaseAsync();

        // Assert
        Assert.That(afterFirst, Is.EqualTo((Users: 2, Roles: 2, UserRoles: 2)));
        Assert.That(await CountAsync(first), Is.EqualTo(afterFirst), "a restart or another instance must add nothing");
        await using var scope = first.NewScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = await users.FindByNameAsync("admin");
        Assert.That(await users.IsInRoleAsync(admin!, AppRoles.Admin), Is.True);
        Assert.That(await users.CheckPasswordAsync(admin!, "Admin#12345"), Is.True);
        Assert.That((await users.FindByNameAsync("alice"))!.DisplayName, Is.EqualTo("Alice"));
    }

    [Test]
    public async Task Two_instances_starting_together_both_start_and_seed_once()
    {
        // Arrange
        await using var first = DataServices.Create(s_seed, environment: "Development");
        await using var second = DataServices.SharingDatabaseWith(first, s_seed, environment: "Development");

        // Act
        await Task.WhenAll(Task.Run(first.PrepareDatabaseAsync), Task.Run(second.PrepareDatabaseAsync));

        // Assert
        Assert.That(await CountAsync(first), Is.EqualTo((Users: 2, Roles: 2, UserRoles: 2)));
    }

    [Test]
    public void The_model_of_each_provider_has_no_change_its_migrations_lack()
    {
        // The start skips MigrateAsync (and its own check of this) once every migration is applied, so this test is the guard.
        // Identity shapes its tables from the schema version in the context's application services (IdentitySchema).
        var identity = IdentitySchema.DesignTimeServices();
        using var sqlite = new SqliteAppDbContext(new DbContextOptionsBuilder<SqliteAppDbContext>().UseSqlite("Data Source=:memory:").UseApplicationServiceProvider(identity).Options);
        using var sqlServer = new SqlServerAppDbContext(new DbContextOptionsBuilder<SqlServerAppDbContext>().UseSqlServer("Server=unused;Database=unused").UseApplicationServiceProvider(identity).Options);

        Assert.Multiple(() =>
        {
            Assert.That(sqlite.Database.HasPendingModelChanges(), Is.False, "the SQLite model has changes without a migration: add one (README)");
            Assert.That(sqlServer.Database.HasPendingModelChanges(), Is.False, "the SQL Server model has changes without a migration: add one (README)");
        });
    }

    [Test]
    public async Task Migrate_on_startup_can_be_turned_off()
    {
        // Arrange
        await using var data = DataServices.Create(new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        // Act
        await data.PrepareDatabaseAsync();

        // Assert
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.That(await db.Database.GetPendingMigrationsAsync(), Is.Not.Empty, "nothing is migrated when MigrateOnStartup is false");
    }

    [Test]
    public async Task A_file_migrated_elsewhere_runs_in_wal_mode_with_migrate_on_startup_off()
    {
        // Arrange: a database migrated by another tool, left in SQLite's default rollback journal.
        await using var migrator = DataServices.Create();
        await migrator.PrepareDatabaseAsync();
        await using (var scope = migrator.NewScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.ExecuteSqlRawAsync("PRAGMA journal_mode=DELETE;");
        }

        await using var app = DataServices.SharingDatabaseWith(migrator, new Dictionary<string, string?> { ["Database:MigrateOnStartup"] = "false" });

        // Act
        await app.PrepareDatabaseAsync();

        // Assert
        await using var check = app.NewScope();
        var mode = await check.ServiceProvider.GetRequiredService<AppDbContext>().Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync();
        Assert.That(mode, Is.EqualTo(new[] { "wal" }));
    }

    [Test]
    public async Task The_health_check_and_the_data_protection_key_ring_use_the_database()
    {
        // Arrange
        await using var data = DataServices.Create();
        await data.PrepareDatabaseAsync();

        // Act
        var report = await data.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var protector = data.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var roundTrip = protector.Unprotect(protector.Protect("payload"));

        // Assert
        Assert.That(report.Status, Is.EqualTo(HealthStatus.Healthy), "the database answers");
        Assert.That(roundTrip, Is.EqualTo("payload"));
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.That(await db.DataProtectionKeys.CountAsync(), Is.EqualTo(1), "the key ring is kept in the database, shared by every instance");
    }

    [Test]
    public void An_unknown_provider_stops_the_start_naming_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => DataServices.Create(new Dictionary<string, string?> { ["Database:Provider"] = "Oracle" }));
        Assert.That(error!.Message, Does.Contain("Database:Provider"));
    }

    [Test]
    public async Task Sql_server_without_a_connection_string_stops_the_host_naming_the_key()
    {
        // Arrange
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Production",
            ContentRootPath = Path.GetTempPath(),
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Database:Provider"] = "SqlServer" });
        builder.Services.AddJwtMvcData(builder.Configuration);
        using var host = builder.Build();

        // Act
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        // Assert
        Assert.That(error!.Message, Does.Contain("ConnectionStrings:Default"));
    }

    private static async Task<(int Users, int Roles, int UserRoles)> CountAsync(DataServices data)
    {
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.Users.CountAsync(), await db.Roles.CountAsync(), await db.UserRoles.CountAsync());
    }
}
