using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace JwtMvc.Data.Providers;

/// <summary>The SQL Server flavour of <see cref="AppDbContext"/>; owns Migrations/SqlServer.</summary>
public sealed class SqlServerAppDbContext(DbContextOptions<SqlServerAppDbContext> options) : AppDbContext(options);

/// <summary>Lets <c>dotnet ef</c> build the SQL Server model; adding a migration never connects.</summary>
internal sealed class SqlServerAppDbContextDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerAppDbContext>
{
    public const string DesignTimeConnectionString =
        "Server=(localdb)\\mssqllocaldb;Database=JwtMvc;Trusted_Connection=True;TrustServerCertificate=True";

    public SqlServerAppDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<SqlServerAppDbContext>()
            .UseSqlServer(DesignTimeConnectionString)
            .UseApplicationServiceProvider(IdentitySchema.DesignTimeServices())
            .Options;
        return new SqlServerAppDbContext(options);
    }
}
