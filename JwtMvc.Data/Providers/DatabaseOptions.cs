namespace JwtMvc.Data.Providers;

/// <summary>Which database JwtMvc uses and what it does with it at start; the <c>Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>The name under <c>ConnectionStrings</c> that both providers read.</summary>
    public const string ConnectionStringName = "Default";

    public const string DefaultSqliteConnectionString = "Data Source=App_Data/jwtmvc.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations before the first request is served.</summary>
    public bool MigrateOnStartup { get; set; } = true;
}

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
