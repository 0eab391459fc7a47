using JwtMvc.Data;
using JwtMvc.Data.Providers;

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace JwtMvc.Tests.Support;

/// <summary>
/// JwtMvc.Data's services as the app registers them (<see cref="DependencyInjection.AddJwtMvcData"/>), over a
/// SQLite file in a fresh temp folder, with a fake clock. Several instances may share one folder to act as
/// several app instances on one database.
/// </summary>
internal sealed class DataServices : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly bool _ownsFolder;

    private DataServices(string folder, bool ownsFolder, ServiceProvider services, FakeTimeProvider time)
    {
        Folder = folder;
        _ownsFolder = ownsFolder;
        Services = services;
        Time = time;
    }

    public string Folder { get; }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Seed users alice and bob (role User), whom the Development seed gives sample orders.</summary>
    public static Dictionary<string, string?> AliceAndBob => new()
    {
        ["Seed:Users:0:UserName"] = "alice",
        ["Seed:Users:0:Email"] = "alice@jwtmvc.local",
        ["Seed:Users:0:Password"] = "Alice#12345",
        ["Seed:Users:0:Roles:0"] = "User",
        ["Seed:Users:1:UserName"] = "bob",
        ["Seed:Users:1:Email"] = "bob@jwtmvc.local",
        ["Seed:Users:1:Password"] = "Bob#12345",
        ["Seed:Users:1:Roles:0"] = "User",
    };

    public string DatabasePath => Path.Combine(Folder, "App_Data", "jwtmvc.db");

    /// <summary>A new database in a new temp folder (the content root).</summary>
    public static DataServices Create(
        IDictionary<string, string?>? settings = null,
        string environment = "Testing") =>
        Build(NewFolder(), ownsFolder: true, settings, environment);

    /// <summary>The SQL Server provider pointed at no server: for what needs its model and migrations, not a connection.</summary>
    public static DataServices CreateWithoutSqlServer() => Create(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "SqlServer",
        ["ConnectionStrings:Default"] = "Server=nowhere.invalid;Database=JwtMvc;Encrypt=False",
    });

    /// <summary>Another "app instance" on the same database as <paramref name="other"/>.</summary>
    public static DataServices SharingDatabaseWith(
        DataServices other,
        IDictionary<string, string?>? settings = null,
        string environment = "Testing") =>
        Build(other.Folder, ownsFolder: false, settings, environment);

    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "jwtmvc-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public Task PrepareDatabaseAsync() => DatabasePreparation.PrepareAsync(Services, CancellationToken.None);

    /// <summary>A service from a new scope: each call gets its own DbContext, as separate requests would.</summary>
    public AsyncServiceScope NewScope() => Services.CreateAsyncScope();

    /// <summary>A context on this database as the app configures it for SQLite, with <paramref name="interceptor"/> added.</summary>
    public async Task<SqliteAppDbContext> ContextWithAsync(IInterceptor interceptor)
    {
        await using var scope = NewScope();
        var connectionString = scope.ServiceProvider.GetRequiredService<AppDbContext>().Database.GetConnectionString();
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(connectionString)
            .AddInterceptors(SqliteConnectionSettings.Instance, interceptor)
            .Options;
        return new SqliteAppDbContext(options);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (_ownsFolder)
        {
            // Pooled connections keep the file open; let go of them before deleting it.
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // Another fixture's pool may still hold it; the temp folder is cleaned by the OS.
            }
        }
    }

    private static DataServices Build(string folder, bool ownsFolder, IDictionary<string, string?>? settings, string environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var time = new FakeTimeProvider(Start);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(folder, environment));
        services.AddSingleton<TimeProvider>(time);
        services.AddJwtMvcData(configuration);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        return new DataServices(folder, ownsFolder, provider, time);
    }
}
