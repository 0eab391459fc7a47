using System.Net;
using System.Net.Http.Json;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Accounts;

/// <summary>
/// A password hash takes tens of milliseconds: a registration must not hold SQLite's one write lock meanwhile, or a
/// stream of registrations would keep every rotation, logout and revocation waiting.
/// </summary>
public sealed class RegistrationWriteLockTests
{
    [TestCase("/api/account/register")]
    [TestCase("/api/admin/users")]
    public async Task A_new_user_s_password_is_hashed_before_the_databases_write_lock_is_taken(string path)
    {
        // Arrange: a registration (or an admin's new user) that is hashing its password right now.
        using var hasher = new PausingPasswordHasher();
        using var factory = new JwtMvcFactory { TestServices = services => services.AddSingleton<IPasswordHasher<AppUser>>(hasher) };
        var anonymous = factory.CreateClient(); // started, and seeded, before a hash is paused
        var admin = path.StartsWith("/api/admin", StringComparison.Ordinal) ? await factory.LoginAsync("admin") : null;
        var userName = "hashing" + Guid.NewGuid().ToString("N")[..8];
        var body = new { userName, email = userName + "@example.test", password = "Hashing#12345", roles = new[] { "User" } };
        hasher.PauseNextHash();
        var registering = admin is null ? anonymous.PostAsJsonAsync(path, body) : admin.SendAsync(HttpMethod.Post, path, body);
        await hasher.Paused.WaitAsync(TimeSpan.FromSeconds(20));

        // Act: another writer on the file that will not wait for the lock.
        Exception? refused = null;
        await using (var other = new SqliteConnection($"Data Source={factory.DatabasePath}"))
        {
            await other.OpenAsync();
            await using var begin = other.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
            begin.CommandTimeout = 1; // Microsoft.Data.Sqlite retries a busy database for this long, then throws
            try
            {
                await begin.ExecuteNonQueryAsync();
            }
            catch (SqliteException exception)
            {
                refused = exception;
            }
        }

        hasher.Resume();

        // Assert
        Assert.That(refused, Is.Null, "nobody holds the write lock while the registration hashes");
        Assert.That((await registering).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }
}
