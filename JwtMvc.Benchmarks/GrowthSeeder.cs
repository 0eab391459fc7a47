using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using JwtMvc.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace JwtMvc.Benchmarks;

/// <summary>
/// <c>seed-growth</c>: fills a SQLite database with the volume of a grown deployment for bench/load.sh's growth
/// mode. The schema comes from the app's own migrations; the rows go in with prepared statements inside a few
/// large transactions, not through Identity per user (one password hash, computed once, is shared by every user).
/// </summary>
internal static class GrowthSeeder
{
    public const string Password = "Growth#12345";

    private const int BatchRows = 50_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = ParseArgs(args);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(
                "usage: JwtMvc.Benchmarks seed-growth --db PATH [--users 100000] [--sessions 100000] [--tokens 1000000]");
            return 2;
        }

        var (path, users, sessions, tokens) = options.Value;
        if (users < 1 || sessions < 1 || tokens < sessions)
        {
            await Console.Error.WriteLineAsync("seed-growth: need users >= 1, sessions >= 1 and tokens >= sessions");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Migrate (and WAL) through the app's own preparation, so the schema is exactly the app's.
        await using (await BenchmarkServices.CreateAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={path}",
        }))
        {
        }

        Console.Error.WriteLine($"seed-growth: migrated {path} in {clock.Elapsed.TotalSeconds:F1} s");

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await ExecAsync(connection, "PRAGMA synchronous=OFF;");

        var roleId = (string?)await ScalarAsync(connection, "SELECT Id FROM AspNetRoles WHERE NormalizedName = 'USER'")
            ?? throw new InvalidOperationException("the User role is missing: did the migrations run?");
        var userIds = await SeedUsersAsync(connection, users, roleId);
        Console.Error.WriteLine($"seed-growth: {users} users in {clock.Elapsed.TotalSeconds:F1} s");
        await SeedSessionsAsync(connection, userIds, sessions, tokens);
        Console.Error.WriteLine($"seed-growth: {sessions} sessions, {tokens} refresh tokens in {clock.Elapsed.TotalSeconds:F1} s");

        await ExecAsync(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        await ExecAsync(connection, "ANALYZE;");
        Console.WriteLine(FormattableString.Invariant(
            $"{{\"users\":{users},\"sessions\":{sessions},\"refreshTokens\":{tokens},\"seconds\":{clock.Elapsed.TotalSeconds:F1}}}"));
        return 0;
    }

    private static async Task<string[]> SeedUsersAsync(SqliteConnection connection, int count, string roleId)
    {
        var hash = new PasswordHasher<AppUser>().HashPassword(new AppUser(), Password);
        var ids = new string[count];

        var insertUser = connection.CreateCommand();
        insertUser.CommandText = """
            INSERT INTO AspNetUsers (Id, UserName, NormalizedUserName, Email, NormalizedEmail, EmailConfirmed, PasswordHash,
                SecurityStamp, ConcurrencyStamp, PhoneNumberConfirmed, TwoFactorEnabled, LockoutEnabled, AccessFailedCount, DisplayName)
            VALUES ($id, $name, $normName, $email, $normEmail, 1, $hash, $stamp, $concurrency, 0, 0, 1, 0, $display)
            """;
        var p = Parameters(insertUser, "$id", "$name", "$normName", "$email", "$normEmail", "$hash", "$stamp", "$concurrency", "$display");
        var insertRole = connection.CreateCommand();
        insertRole.CommandText = "INSERT INTO AspNetUserRoles (UserId, RoleId) VALUES ($user, $role)";
        var r = Parameters(insertRole, "$user", "$role");
        r[1].Value = roleId;

        await InBatchesAsync(connection, count, [insertUser, insertRole], i =>
        {
            var id = Guid.NewGuid().ToString();
            var name = "growth" + i.ToString("D6", CultureInfo.InvariantCulture);
            ids[i] = id;
            p[0].Value = id;
            p[1].Value = name;
            p[2].Value = name.ToUpperInvariant();
            p[3].Value = name + "@growth.local";
            p[4].Value = (name + "@growth.local").ToUpperInvariant();
            p[5].Value = hash;
            p[6].Value = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            p[7].Value = Guid.NewGuid().ToString();
            p[8].Value = "Growth " + i.ToString(CultureInfo.InvariantCulture);
            insertUser.ExecuteNonQuery();
            r[0].Value = id;
            insertRole.ExecuteNonQuery();
        });
        return ids;
    }

    /// <summary>
    /// Active sessions, each with a rotated chain of refresh tokens: every token but the last used and naming its
    /// successor, every token but the first naming its predecessor, as rotations leave them. The tokens are random hashes: nobody holds them.
    /// </summary>
    private static async Task SeedSessionsAsync(SqliteConnection connection, string[] userIds, int sessions, int tokens)
    {
        var now = DateTimeOffset.UtcNow;
        var insertSession = connection.CreateCommand();
        insertSession.CommandText = """
            INSERT INTO Sessions (Id, UserId, CreatedAt, LastUsedAt, ExpiresAt, Rotations, IpAddress, UserAgent)
            VALUES ($id, $user, $created, $used, $expires, $rotations, '127.0.0.1', 'seed-growth')
            """;
        var s = Parameters(insertSession, "$id", "$user", "$created", "$used", "$expires", "$rotations");
        var insertToken = connection.CreateCommand();
        insertToken.CommandText = """
            INSERT INTO RefreshTokens (Id, TokenHash, SessionId, UserId, CreatedAt, ExpiresAt, UsedAt, ReplacesId, ReplacedByHash, IpAddress, UserAgent)
            VALUES ($id, $hash, $session, $user, $created, $expires, $used, $previous, $next, '127.0.0.1', 'seed-growth')
            """;
        var t = Parameters(insertToken, "$id", "$hash", "$session", "$user", "$created", "$expires", "$used", "$previous", "$next");

        var perSession = tokens / sessions;
        var extra = tokens % sessions;
        var expires = now.AddDays(14).UtcTicks;
        await InBatchesAsync(connection, sessions, [insertSession, insertToken], i =>
        {
            var sessionId = Guid.NewGuid().ToString().ToUpperInvariant();
            var userId = userIds[i % userIds.Length];
            var chain = perSession + (i < extra ? 1 : 0);
            var created = now.AddMinutes(-chain * 15);
            s[0].Value = sessionId;
            s[1].Value = userId;
            s[2].Value = created.UtcTicks;
            s[3].Value = now.UtcTicks;
            s[4].Value = expires;
            s[5].Value = chain - 1;
            insertSession.ExecuteNonQuery();

            var hash = NewHash();
            string? previous = null;
            for (var k = 0; k < chain; k++)
            {
                var last = k == chain - 1;
                var next = last ? null : NewHash();
                var id = Guid.NewGuid().ToString().ToUpperInvariant();
                t[0].Value = id;
                t[1].Value = hash;
                t[2].Value = sessionId;
                t[3].Value = userId;
                t[4].Value = created.AddMinutes(k * 15).UtcTicks;
                t[5].Value = expires;
                t[6].Value = last ? DBNull.Value : created.AddMinutes((k + 1) * 15).UtcTicks;
                t[7].Value = (object?)previous ?? DBNull.Value;
                t[8].Value = (object?)next ?? DBNull.Value;
                insertToken.ExecuteNonQuery();
                hash = next!;
                previous = id;
            }
        });
    }

    private static string NewHash() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Runs <paramref name="row"/> for 0..count-1, committing every <see cref="BatchRows"/> rows.</summary>
    private static async Task InBatchesAsync(SqliteConnection connection, int count, SqliteCommand[] commands, Action<int> row)
    {
        for (var start = 0; start < count; start += BatchRows)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
            foreach (var command in commands)
            {
                command.Transaction = transaction;
                command.Prepare();
            }

            var end = Math.Min(count, start + BatchRows);
            for (var i = start; i < end; i++)
            {
                row(i);
            }

            await transaction.CommitAsync();
        }
    }

    private static SqliteParameter[] Parameters(SqliteCommand command, params string[] names) =>
        names.Select(name => command.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();

    private static async Task ExecAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static (string Path, int Users, int Sessions, int Tokens)? ParseArgs(string[] args)
    {
        string? path = null;
        int users = 100_000, sessions = 100_000, tokens = 1_000_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--db": path = args[i + 1]; break;
                case "--users": users = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--sessions": sessions = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--tokens": tokens = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: return null;
            }
        }

        return path is null || args.Length % 2 != 0 ? null : (path, users, sessions, tokens);
    }
}
