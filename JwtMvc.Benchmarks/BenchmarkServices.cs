using System.Security.Cryptography;
using JwtMvc.Core;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Benchmarks;

/// <summary>
/// Core and Data as the app registers them (AddJwtMvcCore + AddJwtMvcData) over a fresh SQLite file in a
/// temp folder, migrated and seeded with one user, on the real clock. The same shape as the tests' DataServices.
/// </summary>
internal sealed class BenchmarkServices : IAsyncDisposable
{
    public const string UserName = "bench";
    public const string Password = "Bench#12345";

    private string? seededStampHash;

    private BenchmarkServices(string folder, ServiceProvider services)
    {
        Folder = folder;
        Services = services;
    }

    public string Folder { get; }

    public ServiceProvider Services { get; }

    public static async Task<BenchmarkServices> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "jwtmvc-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Jwt:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Seed:Users:0:UserName"] = UserName,
                ["Seed:Users:0:Email"] = "bench@jwtmvc.local",
                ["Seed:Users:0:Password"] = Password,
                ["Seed:Users:0:DisplayName"] = "Bench",
                ["Seed:Users:0:Roles:0"] = "User",
                ["Jwt:MaxSessionsPerUser"] = "10000", // one user with thousands of sessions, each active, as the token benchmarks need
                ["Jwt:MaxRotationsPerSession"] = "10000000", // the rotation benchmark rotates one session's token for its whole run
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();

        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new BenchmarkHostEnvironment(folder));
        services.AddJwtMvcCore(configuration);
        services.AddJwtMvcData(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        await DatabasePreparation.PrepareAsync(provider, CancellationToken.None);
        return new BenchmarkServices(folder, provider);
    }

    public AsyncServiceScope NewScope() => Services.CreateAsyncScope();

    /// <summary>The seeded user, read through Core's <see cref="IUserDirectory"/> as a sign-in reads it.</summary>
    public async Task<AuthUser> SeededUserAsync()
    {
        await using var scope = NewScope();
        var check = await scope.ServiceProvider.GetRequiredService<IUserDirectory>().CheckPasswordAsync(UserName, Password, CancellationToken.None);
        if (check is not PasswordCheck.Success success)
        {
            throw new InvalidOperationException("The seeded benchmark user cannot sign in: " + check);
        }

        seededStampHash = success.StampHash;
        return success.User;
    }

    /// <summary>A password sign-in's session start for the user of <see cref="SeededUserAsync"/>.</summary>
    public async Task<IssuedTokens> StartSessionAsync(AsyncServiceScope scope, AuthUser user, ClientInfo client) =>
        (await scope.ServiceProvider.GetRequiredService<TokenService>().StartSessionAsync(
            user, AuthenticationMethods.Password, seededStampHash ?? throw new InvalidOperationException("Read the seeded user first."), client, CancellationToken.None)).Tokens
        ?? throw new InvalidOperationException("The seeded benchmark user's session was refused as it started.");

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temp folder.
        }
    }

    private sealed class BenchmarkHostEnvironment(string contentRoot) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "JwtMvc.Benchmarks";

        public string ContentRootPath { get; set; } = contentRoot;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
