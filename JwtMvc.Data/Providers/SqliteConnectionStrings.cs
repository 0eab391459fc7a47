using Microsoft.Data.Sqlite;

namespace JwtMvc.Data.Providers;

internal static class SqliteConnectionStrings
{
    /// <summary>
    /// Seconds a command waits for another connection's write lock before it fails. Writers on one file queue
    /// behind each other; this keeps a burst of concurrent refreshes from failing with "database is locked".
    /// </summary>
    public const int BusyTimeoutSeconds = 30;

    /// <summary>
    /// Anchors a relative data source at the content root (not the working directory, which differs
    /// between <c>dotnet run</c>, tests and services), creates its folder, and sets the busy timeout unless the
    /// connection string sets one.
    /// </summary>
    public static string Resolve(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (IsFile(builder) && !Path.IsPathRooted(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(Path.Combine(contentRoot, builder.DataSource));
        }

        if (IsFile(builder) && Path.GetDirectoryName(builder.DataSource) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.DefaultTimeout = BusyTimeoutSeconds;
        }

        return builder.ToString();
    }

    public static bool IsFile(SqliteConnectionStringBuilder builder) =>
        builder.Mode != SqliteOpenMode.Memory
        && !string.IsNullOrEmpty(builder.DataSource)
        && !string.Equals(builder.DataSource, ":memory:", StringComparison.OrdinalIgnoreCase)
        && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase);
}
