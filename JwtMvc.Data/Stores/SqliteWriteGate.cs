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
/// <remarks>
/// Two ways to wait for ever (or for the whole busy timeout) are refused with an exception instead: entering the gate
/// while already holding it in the same flow (it is not re-entrant), and entering it while this context has a
/// transaction open (that transaction may hold the file's write lock, which the writer inside the gate waits for).
/// </remarks>
internal static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private static readonly AsyncLocal<SemaphoreSlim?> Held = new();

    /// <summary>Waits for the file's gate; dispose the result to let the next writer in. A no-op on other providers.</summary>
    public static ValueTask<Releaser> EnterAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return ValueTask.FromResult(default(Releaser));
        }

        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        if (ReferenceEquals(Held.Value, gate))
        {
            throw new InvalidOperationException("This flow already holds the SQLite write gate; waiting for it again would never end.");
        }

        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException(
                "A transaction is open on this context: enter the SQLite write gate before beginning it, or a writer inside the gate waits for this transaction's lock.");
        }

        // Set here, in a method that is not async, so that the caller's flow sees it until the releaser is disposed.
        Held.Value = gate;
        return WaitAsync(gate, cancellationToken);
    }

    private static async ValueTask<Releaser> WaitAsync(SemaphoreSlim gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        return new Releaser(gate);
    }

    internal readonly struct Releaser(SemaphoreSlim? gate) : IDisposable
    {
        public void Dispose()
        {
            if (gate is not null)
            {
                Held.Value = null;
                gate.Release();
            }
        }
    }
}
