using System.Runtime.CompilerServices;
using JwtMvc.Core.Security;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Data.Stores;

internal sealed class SecurityEventStore(AppDbContext db) : ISecurityEventStore
{
    /// <summary>Old events deleted per statement by <see cref="DeleteOlderThanAsync"/>.</summary>
    internal const int SweepBatchSize = 1000;

    public async Task AddAsync(SecurityEvent securityEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(securityEvent);
        db.SecurityEvents.Add(securityEvent);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        finally
        {
            db.Entry(securityEvent).State = EntityState.Detached;
        }
    }

    public async IAsyncEnumerable<(DateTimeOffset At, string Type)> StreamTimesAsync(
        DateTimeOffset from, IReadOnlyCollection<string> types, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = db.SecurityEvents
            .AsNoTracking()
            .Where(e => e.At >= from && types.Contains(e.Type))
            .Select(e => new { e.At, e.Type })
            .AsAsyncEnumerable()
            .WithCancellation(cancellationToken);
        await foreach (var row in query)
        {
            yield return (row.At, row.Type);
        }
    }

    public async Task<(IReadOnlyList<SecurityEvent> Items, int TotalCount)> ListAsync(string? type, string? userId, int skip, int take, CancellationToken cancellationToken)
    {
        var query = db.SecurityEvents.AsNoTracking();
        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }

        if (userId is not null)
        {
            query = query.Where(e => e.UserId == userId);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query
            .OrderByDescending(e => e.At)
            .ThenByDescending(e => e.Id)
            .Skip(skip)
            .Take(take)
            .ToListAsync(cancellationToken);
        return (items, total);
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // A batch per statement: a flood of failed sign-ins can leave millions of old events, and on SQLite every other
        // writer (sign-ins, rotations) waits while one statement holds the file.
        var deleted = 0;
        int batch;
        do
        {
            var ids = await db.SecurityEvents
                .Where(e => e.At < cutoff)
                .OrderBy(e => e.At)
                .Select(e => e.Id)
                .Take(SweepBatchSize)
                .ToListAsync(cancellationToken);
            using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
            {
                // Counted as deleted, not as selected: another instance's sweep may have taken some meanwhile.
                deleted += await db.SecurityEvents.Where(e => ids.Contains(e.Id)).ExecuteDeleteAsync(cancellationToken);
            }

            batch = ids.Count;
        }
        while (batch == SweepBatchSize);

        return deleted;
    }
}

/// <summary>Deletes security events past their retention a minute after start and then every few hours.</summary>
internal sealed class SecurityEventSweepService(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SecurityEventSweepService> logger)
    : PeriodicSweepService(scopes, clock, logger)
{
    protected override string What => "old security events";

    protected override Task<int> SweepAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetRequiredService<SecurityDashboard>().SweepAsync(cancellationToken);
}
