using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;

using Microsoft.Data.Sqlite;

using Microsoft.EntityFrameworkCore.Diagnostics;

namespace JwtMvc.Data.Providers;

/// <summary>
/// Per-connection SQLite settings, applied once to each SQLite connection handle when EF first opens it. Microsoft.Data.Sqlite
/// pools the handles and a handle keeps its settings, so a reopened pooled handle is not asked again (it used to cost two
/// extra statements on every open, eight per refresh rotation; docs/PERFORMANCE.md):
/// <list type="bullet">
/// <item><c>busy_timeout</c>: SQLite itself waits for another process's write lock with short back-offs, instead of
/// Microsoft.Data.Sqlite's managed retry, which sleeps 150 ms per attempt.</item>
/// <item><c>synchronous=NORMAL</c>, only on a database in WAL mode (set by <see cref="DatabasePreparation"/>): a commit
/// appends to the WAL without an fsync; the WAL is synced at checkpoints. SQLite's recommended setting for WAL: no
/// corruption, durable across application crashes; a power loss can roll back the last commits (a rotation then
/// looks unknown and that client signs in again). With FULL every rotation waited for an fsync (~4 ms on this
/// machine's disk), which capped refreshes near 250/s.</item>
/// <item><c>wal_autocheckpoint</c>, also only in WAL mode, raised from 1,000 pages to
/// <see cref="FallbackCheckpointPages"/>: <see cref="SqliteCheckpointer"/> checkpoints in the background, and this
/// threshold only bounds the log where it does not run.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    public static readonly SqliteConnectionSettings Instance = new();

    /// <summary>The log size, in pages, at which a commit checkpoints by itself (about 40 MB with 4 KB pages).</summary>
    public const int FallbackCheckpointPages = 10_000;

    private static readonly ConcurrentDictionary<string, bool> WalByDataSource = new(StringComparer.Ordinal);

    // The native handles that already carry the settings. Weak: a handle the pool closes drops out with it.
    private static readonly ConditionalWeakTable<object, object> Configured = [];

    private static readonly string BusyTimeout =
        $"PRAGMA busy_timeout = {SqliteConnectionStrings.BusyTimeoutSeconds * 1000};";

    private static readonly string WalSettings =
        BusyTimeout + $" PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = {FallbackCheckpointPages};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (IsConfigured(connection))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Settings(connection, IsWal(connection));
        command.ExecuteNonQuery();
        MarkConfigured(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (IsConfigured(connection))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = Settings(connection, IsWal(connection));
        await command.ExecuteNonQueryAsync(cancellationToken);
        MarkConfigured(connection);
    }

    // Only a handle that got the full settings of a WAL file is remembered: one opened before DatabasePreparation turned
    // the file to WAL got busy_timeout alone and is configured again (with synchronous=NORMAL) on its next open.
    private static bool IsConfigured(DbConnection connection) =>
        connection is SqliteConnection { Handle: { } handle } && Configured.TryGetValue(handle, out _);

    private static void MarkConfigured(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && WalByDataSource.ContainsKey(connection.DataSource))
        {
            Configured.AddOrUpdate(handle, handle);
        }
    }

    private static string Settings(DbConnection connection, bool wal) =>
        wal ? WalSettings : BusyTimeout;

    // The journal mode is a property of the file; once WAL, it stays WAL. Until then, ask on each open.
    private static bool IsWal(DbConnection connection)
    {
        var key = connection.DataSource;
        if (WalByDataSource.TryGetValue(key, out var wal))
        {
            return wal;
        }

        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        wal = string.Equals(command.ExecuteScalar() as string, "wal", StringComparison.OrdinalIgnoreCase);
        if (wal)
        {
            WalByDataSource[key] = true;
        }

        return wal;
    }
}
