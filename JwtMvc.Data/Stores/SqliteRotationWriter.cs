using System.Threading.Channels;

using JwtMvc.Core.Auth;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Group commit for refresh-token rotations on SQLite: the rotations that queue up while one transaction commits are
/// written together in the next one. Each is still decided by its own conditional UPDATE (<see cref="SqliteRotation"/>),
/// in queue order, so of two rotations of one token the later one finds it used, as before, whether they share a
/// transaction or not. What they share is the work per write transaction: the write gate, BEGIN and COMMIT with its
/// WAL writes (docs/PERFORMANCE.md). The writer keeps one connection open, with the rotation's statements prepared on
/// it once. Nothing is delayed to form a group: a rotation that arrives while the writer is idle is written at once,
/// alone.
/// </summary>
/// <remarks>
/// A group whose transaction fails is rolled back whole and its rotations are written again one per transaction, so
/// one bad rotation fails alone. A rotation whose request is cancelled before its group starts is not written.
/// </remarks>
internal sealed class SqliteRotationWriter : IAsyncDisposable
{
    // Bounds the time one transaction holds the file's write lock; a larger queue is written in several transactions.
    private const int MaxGroupSize = 64;

    private readonly Channel<Rotation> queue = Channel.CreateUnbounded<Rotation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IServiceScopeFactory scopes;
    private readonly Task writing;
    private WriterConnection? connection;

    public SqliteRotationWriter(IServiceScopeFactory scopes)
    {
        this.scopes = scopes;

        // Not the creating request's context: the writer outlives it (its activity, and the gate if that flow held it).
        using (ExecutionContext.SuppressFlow())
        {
            writing = Task.Run(WriteAsync);
        }
    }

    /// <summary>True when <paramref name="usedTokenId"/> was unused and is now replaced by <paramref name="replacement"/>, committed.</summary>
    public Task<bool> RotateAsync(
        Guid usedTokenId, RefreshToken replacement, byte[]? sealedReplacement, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rotation = new Rotation(usedTokenId, replacement, sealedReplacement, now, cancellationToken);
        if (!queue.Writer.TryWrite(rotation))
        {
            throw new ObjectDisposedException(nameof(SqliteRotationWriter));
        }

        return rotation.Outcome.Task;
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writing;
        if (connection is not null)
        {
            await connection.DisposeAsync();
            connection = null;
        }
    }

    private async Task WriteAsync()
    {
        var group = new List<Rotation>(MaxGroupSize);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (group.Count < MaxGroupSize && queue.Reader.TryRead(out var rotation))
            {
                if (rotation.Cancellation.IsCancellationRequested)
                {
                    rotation.Outcome.TrySetCanceled(rotation.Cancellation);
                }
                else
                {
                    group.Add(rotation);
                }
            }

            if (group.Count > 0)
            {
                await WriteGroupAsync(group);
                group.Clear();
            }
        }
    }

    private async Task WriteGroupAsync(List<Rotation> group)
    {
        try
        {
            await CommitAsync(group);
        }
        catch (Exception) when (group.Count > 1)
        {
            foreach (var rotation in group)
            {
                try
                {
                    await CommitAsync([rotation]);
                }
                catch (Exception exception)
                {
                    rotation.Outcome.TrySetException(exception);
                }
            }
        }
        catch (Exception exception)
        {
            group[0].Outcome.TrySetException(exception);
        }
    }

    // The outcomes are set only after the commit: a caller told "claimed" can rely on the rotation being stored.
    private async Task CommitAsync(IReadOnlyList<Rotation> group)
    {
        connection ??= await WriterConnection.OpenAsync(scopes);
        var claimed = new bool[group.Count];
        try
        {
            var db = connection.Db;
            using (await SqliteWriteGate.EnterAsync(db, CancellationToken.None))
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                var dbTransaction = transaction.GetDbTransaction();
                for (var i = 0; i < group.Count; i++)
                {
                    var rotation = group[i];
                    claimed[i] = await connection.Rotation.ClaimAsync(
                        dbTransaction, rotation.UsedTokenId, rotation.Replacement, rotation.SealedReplacement, rotation.Now, CancellationToken.None);
                    if (claimed[i])
                    {
                        await connection.Rotation.CompleteAsync(dbTransaction, rotation.UsedTokenId, rotation.Replacement, rotation.Now, CancellationToken.None);
                    }
                }

                await transaction.CommitAsync();
            }
        }
        catch (Exception)
        {
            // Whatever failed, the next transaction starts on a fresh connection.
            await connection.DisposeAsync();
            connection = null;
            throw;
        }

        for (var i = 0; i < group.Count; i++)
        {
            group[i].Outcome.TrySetResult(claimed[i]);
        }
    }

    /// <summary>
    /// The writer's own connection, open from its first rotation until the writer is disposed, and the rotation's
    /// commands prepared on it once. Only the writer's loop uses it, one group at a time.
    /// </summary>
    private sealed class WriterConnection(KeptConnection kept) : IAsyncDisposable
    {
        public AppDbContext Db => kept.Db;

        public SqliteRotation Rotation { get; } = new(kept.Db);

        public static async Task<WriterConnection> OpenAsync(IServiceScopeFactory scopes) => new(await KeptConnection.OpenAsync(scopes));

        public async ValueTask DisposeAsync()
        {
            Rotation.Dispose();
            await kept.DisposeAsync();
        }
    }

    private sealed record Rotation(
        Guid UsedTokenId, RefreshToken Replacement, byte[]? SealedReplacement, DateTimeOffset Now, CancellationToken Cancellation)
    {
        public TaskCompletionSource<bool> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
