using System.Collections.Concurrent;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// One writer at a time per SQLite file within this process. SQLite allows one writer anyway; without the gate,
/// concurrent write transactions collide on the file lock and Microsoft.Data.Sqlite retries a busy statement
/// only after sleeping 150 ms, so a burst of refreshes queued in 150 ms steps (p99 over 600 ms, about 300
/// rotations/s). Waiting here is an async queue instead. Writers in other processes still meet SQLite's lock
/// and the driver's retry; SQL Server needs no gate.
/// </summary>
internal static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for the file's gate; dispose the result to let the next writer in. A no-op on other providers.</summary>
    public static async ValueTask<Releaser> EnterAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return default;
        }

        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    internal readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose() => gate?.Release();
    }
}
