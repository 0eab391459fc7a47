using System.Data.Common;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>The cheap per-request reads and SQLite settings that docs/PERFORMANCE.md relies on.</summary>
[TestFixture]
public sealed class UserLookupTests
{
    private DataServices _data = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _data = DataServices.Create();
        await _data.PrepareDatabaseAsync();
    }

    [OneTimeTearDown]
    public async Task DeleteDatabase() => await _data.DisposeAsync();

    [Test]
    public async Task The_lookup_returns_what_the_user_directory_returns()
    {
        // Arrange
        var registered = await RegisterAsync(AppRoles.Admin);

        // Act
        await using var scope = _data.NewScope();
        var looked = await scope.ServiceProvider.GetRequiredService<IUserLookup>().FindByIdAsync(registered.Id, CancellationToken.None);
        var directory = await scope.ServiceProvider.GetRequiredService<IUserDirectory>().FindByIdAsync(registered.Id, CancellationToken.None);

        // Assert
        Assert.That(looked, Is.Not.Null);
        Assert.That(
            (looked!.Id, looked.UserName, looked.Email, looked.DisplayName),
            Is.EqualTo((directory!.Id, directory.UserName, directory.Email, directory.DisplayName)));
        Assert.That(looked.Roles, Is.EqualTo(directory.Roles), "roles in ordinal order, as the directory gives them");
        Assert.That(looked.Roles, Is.EqualTo(new[] { AppRoles.Admin, AppRoles.User }));
    }

    [Test]
    public async Task An_unknown_id_is_null()
    {
        await using var scope = _data.NewScope();

        var looked = await scope.ServiceProvider.GetRequiredService<IUserLookup>().FindByIdAsync(Guid.NewGuid().ToString(), CancellationToken.None);

        Assert.That(looked, Is.Null, "no such user");
    }

    [Test]
    public async Task Any_change_through_the_user_manager_evicts_the_user_from_the_cache()
    {
        // Arrange
        var registered = await RegisterAsync();
        var cache = _data.Services.GetRequiredService<UserCache>();
        var now = _data.Time.GetUtcNow();
        cache.Set(registered.Id, registered, now);
        Assert.That(cache.TryGet(registered.Id, now, out _), Is.True, "cached before the change");

        // Act
        await using (var scope = _data.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.SetEmailAsync((await users.FindByIdAsync(registered.Id))!, "changed-" + registered.Email);
        }

        // Assert
        Assert.That(cache.TryGet(registered.Id, now, out _), Is.False, "a changed user must be read again");
    }

    [Test]
    public async Task Deleting_a_user_evicts_them_from_the_cache()
    {
        // Arrange
        var registered = await RegisterAsync();
        var cache = _data.Services.GetRequiredService<UserCache>();
        var now = _data.Time.GetUtcNow();
        cache.Set(registered.Id, registered, now);

        // Act
        await using (var scope = _data.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.DeleteAsync((await users.FindByIdAsync(registered.Id))!);
        }

        // Assert
        Assert.That(cache.TryGet(registered.Id, now, out _), Is.False, "a deleted user must not be served from the cache");
    }

    [Test]
    public async Task Connections_to_the_wal_database_commit_without_fsync_and_wait_for_locks_inside_sqlite()
    {
        // Arrange
        await using var scope = _data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        // Act
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        var journal = await ScalarAsync(connection, "PRAGMA journal_mode;");
        var synchronous = await ScalarAsync(connection, "PRAGMA synchronous;");
        var busyTimeout = await ScalarAsync(connection, "PRAGMA busy_timeout;");

        // Assert
        Assert.That(journal, Is.EqualTo("wal"), "PrepareDatabaseAsync puts the file in WAL mode");
        Assert.That(synchronous, Is.EqualTo("1"), "synchronous=NORMAL: a commit appends to the WAL without an fsync");
        Assert.That(busyTimeout, Is.EqualTo("30000"), "SQLite's own busy handler, not the driver's 150 ms sleeps");
    }

    private static async Task<string?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<AuthUser> RegisterAsync(string? extraRole = null)
    {
        var name = "user-" + Guid.NewGuid().ToString("N")[..12];
        await using var scope = _data.NewScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IUserDirectory>()
            .RegisterAsync(name, name + "@example.test", "Passw0rd!", CancellationToken.None);
        Assert.That(outcome.Succeeded, Is.True, () => string.Join(" ", outcome.Errors.Select(e => e.Description)));
        if (extraRole is not null)
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.AddToRoleAsync((await users.FindByIdAsync(outcome.Value!.Id))!, extraRole);
        }

        return outcome.Value!;
    }
}
