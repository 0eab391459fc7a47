using JwtMvc.Data.Providers;
using JwtMvc.Data.Seeding;

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtMvc.Data;

/// <summary>Gets the database ready before the host serves its first request.</summary>
public static partial class DatabasePreparation
{
    /// <summary>
    /// Applies pending migrations (when <c>Database:MigrateOnStartup</c>, the default), then seeds when the
    /// environment is Development or <c>Seed:Users</c> is configured. Safe to run from several instances at once.
    /// </summary>
    public static Task PrepareDatabaseAsync(this IHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(host);
        return PrepareAsync(host.Services, cancellationToken);
    }

    internal static async Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabasePreparation).FullName!);
        var options = provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var db = provider.GetRequiredService<AppDbContext>();

        // Whoever migrated the file (this start, or `dotnet ef database update` with MigrateOnStartup off), it runs in WAL.
        if (db.Database.IsSqlite())
        {
            await UseWriteAheadLogAsync(db, cancellationToken);
        }

        if (options.MigrateOnStartup)
        {
            // MigrateAsync also compares the model with the migrations' snapshot, building both models, on every start:
            // a few hundred ms of CPU before the first request (docs/PERFORMANCE.md). A database that already has every
            // migration skips it; a test keeps the model and the migrations in step instead. Several instances: each
            // one that sees a migration pending migrates, under EF's migration lock.
            if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any())
            {
                await db.Database.MigrateAsync(cancellationToken);
            }

            Log.Migrated(logger, options.Provider);
        }

        var environment = provider.GetService<IHostEnvironment>();
        var seed = provider.GetRequiredService<IOptions<SeedOptions>>().Value;
        if (environment?.IsDevelopment() == true || seed.Users.Count > 0)
        {
            await provider.GetRequiredService<DevelopmentSeeder>().SeedAsync(cancellationToken);
        }
    }

    /// <summary>
    /// WAL lets readers run while one connection writes, so token checks do not queue behind rotations.
    /// The mode is stored in the file; setting it again is a no-op.
    /// </summary>
    private static async Task UseWriteAheadLogAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnectionStringBuilder(db.Database.GetConnectionString());
        if (!SqliteConnectionStrings.IsFile(connection))
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Database ({Provider}) is migrated")]
        public static partial void Migrated(ILogger logger, DatabaseProvider provider);
    }
}
