using JwtMvc.Core.Admin;
using JwtMvc.Data.Configurations;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

internal sealed class AuditLog(AppDbContext db) : IAuditLog
{
    public async Task WriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var stored = new AuditEntry
        {
            At = entry.At,
            ActorId = entry.ActorId,
            ActorUserName = Truncate(entry.ActorUserName, AuditEntryConfiguration.UserNameMaxLength)!,
            Action = entry.Action,
            TargetUserId = entry.TargetUserId,
            TargetUserName = Truncate(entry.TargetUserName, AuditEntryConfiguration.UserNameMaxLength)!,
            Detail = Truncate(entry.Detail, AuditEntryConfiguration.DetailMaxLength),
        };
        db.AuditEntries.Add(stored);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(stored).State = EntityState.Detached;
        }
    }

    public async Task<IReadOnlyList<AuditEntry>> ListForUserAsync(string targetUserId, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targetUserId);
        return await db.AuditEntries
            .AsNoTracking()
            .Where(e => e.TargetUserId == targetUserId)
            .OrderByDescending(e => e.At)
            .ThenByDescending(e => e.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
    }

    private static string? Truncate(string? value, int maxLength) =>
        value is { Length: var length } && length > maxLength ? value[..maxLength] : value;
}
