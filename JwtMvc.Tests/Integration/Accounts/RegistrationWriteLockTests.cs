using System.Net;
using System.Net.Http.Json;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
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
        using var factory = new FactoryWithHasher(hasher);
        var anonymous = factory.CreateClient(); // started, and seeded, before a hash is paused
        var admin = path.StartsWith("/api/admin", StringComparison.Ordinal) ? await factory.LoginAsync("admin") : null;
        var userName = "hashing" + Guid.NewGuid().ToString("N")[..8];
        var body = new { userName, email = userName + "@example.test", password = "Hashing#12345", roles = new[] { "User" } };
        hasher.PauseNextHash();
        var registering = admin is null ? anonymous.PostAsJsonAsync(path, body) : admin.SendAsync(HttpMethod.Post, path, body);
        await hasher.Hashing.WaitAsync(TimeSpan.FromSeconds(20));

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

    private sealed class FactoryWithHasher(IPasswordHasher<AppUser> hasher) : JwtMvcFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(hasher));
        }
    }

    /// <summary>Identity's hasher, which can hold the next hash until released.</summary>
    private sealed class PausingPasswordHasher : IPasswordHasher<AppUser>, IDisposable
    {
        private readonly PasswordHasher<AppUser> inner = new();
        private readonly ManualResetEventSlim released = new(initialState: true);
        private readonly TaskCompletionSource hashing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int pause;

        public Task Hashing => hashing.Task;

        public void PauseNextHash()
        {
            released.Reset();
            Volatile.Write(ref pause, 1);
        }

        public void Resume() => released.Set();

        public string HashPassword(AppUser user, string password)
        {
            if (Interlocked.Exchange(ref pause, 0) == 1)
            {
                hashing.TrySetResult();
                released.Wait(TimeSpan.FromSeconds(30));
            }

            return inner.HashPassword(user, password);
        }

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword) =>
            inner.VerifyHashedPassword(user, hashedPassword, providedPassword);

        public void Dispose() => released.Dispose();
    }
}
