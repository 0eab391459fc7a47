namespace JwtMvc.Data.Stores;

/// <summary>Helpers for the SQL that the SQLite paths write by hand from the EF model.</summary>
internal static class SqliteSql
{
    /// <summary>A table or column name as a quoted SQLite identifier.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
