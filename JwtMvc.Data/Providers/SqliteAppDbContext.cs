using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace JwtMvc.Data.Providers;

/// <summary>The SQLite flavour of <see cref="AppDbContext"/>; owns Migrations/Sqlite.</summary>
public sealed class SqliteAppDbContext(DbContextOptions<SqliteAppDbContext> options) : AppDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no date type: EF stores DateTimeOffset as text and cannot compare or order it in SQL.
        // UTC ticks sort like the instants they stand for, so "ExpiresAt > @now" runs in the database.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();

        // Nor can it order or sum decimals (EF stores them as text). Money has at most four decimal places, so
        // ten-thousandths as integers hold every amount exactly and sort and add in SQL.
        configurationBuilder.Properties<decimal>().HaveConversion<TenThousandthsConverter>();
    }

    // Both converters are internal, not private: the compiled model (CompiledModels/Sqlite) creates them.
    internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    internal sealed class TenThousandthsConverter() : ValueConverter<decimal, long>(
        value => (long)(value * TenThousand),
        units => units / TenThousand)
    {
        private const decimal TenThousand = 10_000m;
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without the web host.</summary>
internal sealed class SqliteAppDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAppDbContext>
{
    public SqliteAppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqliteAppDbContext>()
            .UseSqlite(DatabaseOptions.DefaultSqliteConnectionString)
            .UseApplicationServiceProvider(IdentitySchema.DesignTimeServices())
            .Options;
        return new SqliteAppDbContext(options);
    }
}
