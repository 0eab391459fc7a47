using System.Data.Common;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>The one way to read a user (current and cached), and the SQLite settings that docs/PERFORMANCE.md relies on.</summary>
[TestFixture]
public sealed class UserReaderTests : SharedDatabaseFixture
{
    private const string Password = "Passw0rd!";

    [Test]
    public async Task The_reader_returns_what_sign_in_returns()
    {
        // Arrange
        var registered = await RegisterAsync(AppRoles.Admin);
        await using var scope = Data.NewScope();
        var signedIn = await scope.ServiceProvider.GetRequiredService<IUserDirectory>().CheckPasswordAsync(registered.UserName, Password, CancellationToken.None);

        // Act
        var read = await Reader(scope).FindByIdAsync(registered.Id, CancellationToken.None);

        // Assert
        Assert.That(read, Is.Not.Null);
        Assert.That(signedIn, Is.InstanceOf<PasswordCheck.Success>());
        var expected = ((PasswordCheck.Success)signedIn).User;
        Assert.That(
            (read!.Id, read.UserName, read.Email, read.DisplayName),
            Is.EqualTo((expected.Id, expected.UserName, expected.Email, expected.DisplayName)));
        Assert.That(read.Roles, Is.EqualTo(expected.Roles), "roles in ordinal order, as Identity gives them at sign-in");
        Assert.That(read.Roles, Is.EqualTo(new[] { AppRoles.Admin, AppRoles.User }));
    }

    [Test]
    public async Task An_unknown_id_is_null_in_both_reads()
    {
        await using var scope = Data.NewScope();
        var id = Guid.NewGuid().ToString();

        var current = await Reader(scope).FindByIdAsync(id, CancellationToken.None);
        var cached = await Reader(scope).FindCachedAsync(id, CancellationToken.None);

        Assert.That(current, Is.Null, "no such user");
        Assert.That(cached, Is.Null, "no such user, cached or not");
    }

    [Test]
    public async Task The_current_read_sees_a_change_at_once_and_the_cached_read_once_the_session_check_time_has_passed()
    {
        // Arrange: the cached read remembers the record; then it changes behind Identity's back (another instance).
        var registered = await RegisterAsync();
        await CachedAsync(registered.Id);
        await using (var scope = Data.NewScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users
                .Where(u => u.Id == registered.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Changed elsewhere"));
        }

        // Act
        var current = await CurrentAsync(registered.Id);
        var cachedSoon = await CachedAsync(registered.Id);
        Data.Time.Advance(TimeSpan.FromSeconds(new JwtOptions().SessionCheckSeconds));
        var cachedLater = await CachedAsync(registered.Id);

        // Assert
        Assert.That(current!.DisplayName, Is.EqualTo("Changed elsewhere"), "a refresh decides on the current record, never a cached one");
        Assert.That(cachedSoon!.DisplayName, Is.Null, "within Jwt:SessionCheckSeconds the cached record may be stale");
        Assert.That(cachedLater!.DisplayName, Is.EqualTo("Changed elsewhere"), "after Jwt:SessionCheckSeconds it is read again");
    }

    [Test]
    public async Task The_versioned_read_keeps_this_instances_copy_while_the_version_holds_and_reads_again_when_it_changes()
    {
        // Arrange: this instance reads the record; a change that does not renew the stamp (behind Identity's back)
        // shows whether the copy is used; then another instance changes the user through Identity.
        var registered = await RegisterAsync();
        var versionRead = await VersionAsync(registered.Id);
        await VersionedAsync(registered.Id, versionRead);
        await using (var scope = Data.NewScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users
                .Where(u => u.Id == registered.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Changed without a new stamp"));
        }

        var copy = await VersionedAsync(registered.Id, versionRead);
        await using (var other = DataServices.SharingDatabaseWith(Data))
        await using (var scope = other.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.SetEmailAsync((await users.FindByIdAsync(registered.Id))!, "changed-" + registered.Email);
        }

        // Act
        var versionNow = await VersionAsync(registered.Id);
        var current = await VersionedAsync(registered.Id, versionNow);
        await using (var scope = Data.NewScope())
        {
            await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users
                .Where(u => u.Id == registered.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.DisplayName, "Changed again"));
        }

        var withoutVersion = await VersionedAsync(registered.Id, null);

        // Assert
        Assert.That(copy!.DisplayName, Is.Null, "the version it was read at is still the stored one: no read");
        Assert.That(versionNow, Is.Not.EqualTo(versionRead), "Identity renews the stamp with every change it saves");
        Assert.That((current!.Email, current.DisplayName), Is.EqualTo(("changed-" + registered.Email, "Changed without a new stamp")),
            "a new version is read again, although no eviction reached this instance");
        Assert.That(withoutVersion!.DisplayName, Is.EqualTo("Changed again"), "without a version it always reads");
    }

    [Test]
    public async Task Any_change_through_the_user_manager_shows_in_the_cached_read_at_once()
    {
        // Arrange
        var registered = await RegisterAsync();
        Assert.That((await CachedAsync(registered.Id))!.Email, Is.EqualTo(registered.Email), "cached before the change");

        // Act
        await using (var scope = Data.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.SetEmailAsync((await users.FindByIdAsync(registered.Id))!, "changed-" + registered.Email);
        }

        // Assert
        Assert.That((await CachedAsync(registered.Id))!.Email, Is.EqualTo("changed-" + registered.Email), "a changed user must be read again");
    }

    [Test]
    public async Task Deleting_a_user_shows_in_the_cached_read_at_once()
    {
        // Arrange
        var registered = await RegisterAsync();
        Assert.That(await CachedAsync(registered.Id), Is.Not.Null, "cached before the deletion");

        // Act
        await using (var scope = Data.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.DeleteAsync((await users.FindByIdAsync(registered.Id))!);
        }

        // Assert
        Assert.That(await CachedAsync(registered.Id), Is.Null, "a deleted user must not be served from the cache");
    }

    [Test]
    public async Task Connections_to_the_wal_database_commit_without_fsync_and_wait_for_locks_inside_sqlite()
    {
        // Arrange
        await using var scope = Data.NewScope();
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

    private static IUserReader Reader(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<IUserReader>();

    private async Task<AuthUser?> CurrentAsync(string userId)
    {
        await using var scope = Data.NewScope();
        return await Reader(scope).FindByIdAsync(userId, CancellationToken.None);
    }

    private async Task<AuthUser?> VersionedAsync(string userId, string? version)
    {
        await using var scope = Data.NewScope();
        return await Reader(scope).FindCurrentAsync(userId, version, CancellationToken.None);
    }

    private async Task<string?> VersionAsync(string userId)
    {
        await using var scope = Data.NewScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Users
            .Where(u => u.Id == userId).Select(u => u.ConcurrencyStamp).SingleAsync();
    }

    private async Task<AuthUser?> CachedAsync(string userId)
    {
        await using var scope = Data.NewScope();
        return await Reader(scope).FindCachedAsync(userId, CancellationToken.None);
    }

    private async Task<AuthUser> RegisterAsync(string? extraRole = null)
    {
        var name = "user-" + Guid.NewGuid().ToString("N")[..12];
        await using var scope = Data.NewScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IUserDirectory>()
            .RegisterAsync(name, name + "@example.test", Password, CancellationToken.None);
        Assert.That(outcome.Succeeded, Is.True, () => string.Join(" ", outcome.Errors.Select(e => e.Message)));
        if (extraRole is not null)
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            await users.AddToRoleAsync((await users.FindByIdAsync(outcome.Value!.Id))!, extraRole);
        }

        return outcome.Value!;
    }
}
