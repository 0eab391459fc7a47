using JwtMvc.Data;
using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Tests.Support;

public static class QueryPlans
{
    /// <summary>SQLite's EXPLAIN QUERY PLAN of <paramref name="query"/> as EF sends it: one line per step.</summary>
    public static async Task<IReadOnlyList<string>> ExplainAsync<T>(AppDbContext db, IQueryable<T> query)
    {
        // ToQueryString writes the parameters as ".param set" lines (for the sqlite3 shell) before the SQL.
        var sql = string.Join('\n', query.ToQueryString().Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal)));
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        return plan;
    }
}
