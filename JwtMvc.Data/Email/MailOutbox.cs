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

    public async Task<MailJob?> ClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await db.MailJobs.AsNoTracking()
                .Where(j => j.NextAttemptAt <= now)
                .OrderBy(j => j.NextAttemptAt)
                .FirstOrDefaultAsync(cancellationToken);
            if (job is null)
            {
                return null;
            }

            // Conditional on the due time read above: of several instances claiming one job, one changes the row; the
            // others look for the next.
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
                return job;
            }
        }
    }

    public async Task CompleteAsync(MailJob claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await Held(claimed).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task RetryAsync(MailJob claimed, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(error);
        var stored = error.Length > Configurations.MailJobConfiguration.LastErrorMaxLength ? error[..Configurations.MailJobConfiguration.LastErrorMaxLength] : error;
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await Held(claimed)
            .ExecuteUpdateAsync(set => set.SetProperty(j => j.NextAttemptAt, nextAttemptAt).SetProperty(j => j.LastError, stored), cancellationToken);
    }

    public async Task MarkAdmittedAsync(MailJob claimed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await Held(claimed).ExecuteUpdateAsync(set => set.SetProperty(j => j.Admitted, true), cancellationToken);
    }

    /// <summary>The job while this claim holds it: every claim counts an attempt, so a later claim has a higher count.</summary>
    private IQueryable<MailJob> Held(MailJob claimed) =>
        db.MailJobs.Where(j => j.Id == claimed.Id && j.Attempts == claimed.Attempts);

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
