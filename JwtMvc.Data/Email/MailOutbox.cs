using JwtMvc.Core.Email;
using JwtMvc.Data.Stores;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Email;

/// <summary>The mail outbox in the database: it survives restarts and mail server outages, and instances share it.</summary>
internal sealed class MailOutbox(AppDbContext db) : IMailOutbox
{
    public async Task EnqueueAsync(MailJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        db.MailJobs.Add(job);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(job).State = EntityState.Detached;
        }
    }

    public async Task<IReadOnlyList<MailJob>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken)
    {
        var due = await db.MailJobs.AsNoTracking()
            .Where(j => j.NextAttemptAt <= now)
            .OrderBy(j => j.NextAttemptAt)
            .Take(max)
            .ToListAsync(cancellationToken);

        var claimed = new List<MailJob>(due.Count);
        foreach (var job in due)
        {
            // Conditional on the due time read above: of several instances claiming one job, one changes the row.
            int changed;
            using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
            {
                changed = await db.MailJobs
                    .Where(j => j.Id == job.Id && j.NextAttemptAt == job.NextAttemptAt && j.Attempts == job.Attempts)
                    .ExecuteUpdateAsync(set => set.SetProperty(j => j.NextAttemptAt, leaseUntil).SetProperty(j => j.Attempts, j => j.Attempts + 1), cancellationToken);
            }

            if (changed == 1)
            {
                job.NextAttemptAt = leaseUntil;
                job.Attempts++;
                claimed.Add(job);
            }
        }

        return claimed;
    }

    public async Task CompleteAsync(Guid jobId, CancellationToken cancellationToken)
    {
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await db.MailJobs.Where(j => j.Id == jobId).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task RetryAsync(Guid jobId, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var stored = error.Length > Configurations.MailJobConfiguration.LastErrorMaxLength ? error[..Configurations.MailJobConfiguration.LastErrorMaxLength] : error;
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await db.MailJobs.Where(j => j.Id == jobId)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.NextAttemptAt, nextAttemptAt).SetProperty(j => j.LastError, stored), cancellationToken);
    }

    public async Task MarkAdmittedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await db.MailJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(set => set.SetProperty(j => j.Admitted, true), cancellationToken);
    }

    public async Task<bool> TryAdmitAsync(string normalizedAddress, DateTimeOffset now, TimeSpan minInterval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(normalizedAddress);
        if (minInterval <= TimeSpan.Zero)
        {
            return true;
        }

        var address = normalizedAddress.Length > Configurations.MailJobConfiguration.AddressMaxLength
            ? normalizedAddress[..Configurations.MailJobConfiguration.AddressMaxLength]
            : normalizedAddress;
        var openedBefore = now - minInterval;
        return await KeyedCounterRow.TryAdvanceAsync(
            db,
            () => db.MailThrottles
                .Where(t => t.NormalizedAddress == address && t.LastMailAt <= openedBefore)
                .ExecuteUpdateAsync(set => set.SetProperty(t => t.LastMailAt, now), cancellationToken),
            () => db.MailThrottles.AnyAsync(t => t.NormalizedAddress == address, cancellationToken),
            new MailThrottle { NormalizedAddress = address, LastMailAt = now },
            cancellationToken);
    }

    public async Task<int> ForgetMailedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // Conditional on the time: an address admitted again meanwhile has a newer time, and keeps its row.
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        return await db.MailThrottles.Where(t => t.LastMailAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
