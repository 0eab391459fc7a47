using System.Collections.Concurrent;
using System.Data.Common;

using Microsoft.EntityFrameworkCore.Diagnostics;

namespace JwtMvc.Tests.Support;

/// <summary>Records the statements that change rows (INSERT, UPDATE, DELETE), in the order they are sent.</summary>
internal sealed class RecordedWrites : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> writes = new();

    /// <summary>Runs <paramref name="operation"/> and answers the writes it sent, in order.</summary>
    public async Task<IReadOnlyList<string>> WritesOfAsync(Func<Task> operation)
    {
        writes.Clear();
        await operation();
        return [.. writes];
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command)
    {
        var text = command.CommandText.TrimStart();
        if (text.StartsWith("UPDATE", StringComparison.Ordinal) || text.StartsWith("INSERT", StringComparison.Ordinal) || text.StartsWith("DELETE", StringComparison.Ordinal))
        {
            writes.Enqueue(text);
        }
    }
}
