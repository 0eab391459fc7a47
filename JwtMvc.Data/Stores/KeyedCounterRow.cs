using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// "Move this row forward if it allows it, or create it": one conditional UPDATE, and for a key that has no row
/// yet an INSERT of which the primary key lets exactly one concurrent writer through, on any instance.
/// </summary>
internal static class KeyedCounterRow
{
    /// <param name="advance">The conditional UPDATE; answers the rows it changed.</param>
    /// <param name="exists">Whether the key has a row (which then did not allow the advance).</param>
    /// <param name="firstRow">The row to insert when the key has none.</param>
    /// <returns>True when this call advanced or created the row.</returns>
    public static async Task<bool> TryAdvanceAsync<TRow>(
        AppDbContext db,
        Func<Task<int>> advance,
        Func<Task<bool>> exists,
        TRow firstRow,
        CancellationToken cancellationToken)
        where TRow : class
    {
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        if (await advance() == 1)
        {
            return true;
        }

        if (await exists())
        {
            return false;
        }

        db.Add(firstRow);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another writer created the key's row a moment ago
        }
        finally
        {
            db.Entry(firstRow).State = EntityState.Detached;
        }
    }
}
