using System.Data.Common;
using JwtMvc.Core.Security;
using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class SecurityEventStoreTests : SharedDatabaseFixture
{
    [Test]
    public async Task The_sweep_deletes_old_events_a_bounded_batch_per_statement_and_keeps_newer_ones()
    {
        // Arrange: two and a half batches of old events (a night of failed sign-ins), and a few since the cutoff.
        var cutoff = Data.Time.GetUtcNow();
        var oldCount = SecurityEventStore.SweepBatchSize * 5 / 2;
        await using (var scope = Data.NewScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.SecurityEvents.AddRange(Enumerable.Range(1, oldCount).Select(i => Event(cutoff.AddSeconds(-i))));
            db.SecurityEvents.AddRange(Enumerable.Range(0, 3).Select(i => Event(cutoff.AddSeconds(i))));
            await db.SaveChangesAsync();
        }

        var statements = new RecordedWrites();
        await using var context = await Data.ContextWithAsync(statements);

        // Act
        var deleted = 0;
        var writes = await statements.WritesOfAsync(async () => deleted = await new SecurityEventStore(context).DeleteOlderThanAsync(cutoff, CancellationToken.None));

        // Assert
        Assert.That(deleted, Is.EqualTo(oldCount));
        Assert.That(writes.Count(w => w.StartsWith("DELETE", StringComparison.Ordinal)), Is.EqualTo(3), "2,500 events, at most 1,000 per statement");
        Assert.That(await context.SecurityEvents.Where(e => e.Detail == "sweep-batch").Select(e => e.At).ToListAsync(), Has.Count.EqualTo(3).And.All.GreaterThanOrEqualTo(cutoff));
    }

    [Test]
    public async Task The_sweep_counts_the_events_it_deleted_not_those_another_sweep_took_first()
    {
        // Arrange: old events, of which another instance's sweep deletes some between this sweep's read and its delete.
        var cutoff = Data.Time.GetUtcNow().AddYears(-1); // apart from the other test's events
        const int Old = 30;
        const int TakenByTheOther = 10;
        await using (var scope = Data.NewScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            db.SecurityEvents.AddRange(Enumerable.Range(1, Old).Select(i => Event(cutoff.AddSeconds(-i))));
            await db.SaveChangesAsync();
        }

        await using var context = await Data.ContextWithAsync(new BeforeFirstDelete(async () =>
        {
            await using var scope = Data.NewScope();
            var other = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var taken = await other.SecurityEvents.Where(e => e.At < cutoff).OrderBy(e => e.At).Take(TakenByTheOther).ExecuteDeleteAsync();
            Assert.That(taken, Is.EqualTo(TakenByTheOther), "arranged: the other sweep took some");
        }));

        // Act
        var deleted = await new SecurityEventStore(context).DeleteOlderThanAsync(cutoff, CancellationToken.None);

        // Assert
        Assert.That(deleted, Is.EqualTo(Old - TakenByTheOther));
        Assert.That(await context.SecurityEvents.CountAsync(e => e.At < cutoff), Is.Zero);
    }

    private static SecurityEvent Event(DateTimeOffset at) => new()
    {
        At = at,
        Type = SecurityEventTypes.SignInFailed,
        UserName = "mallory",
        IpAddress = "203.0.113.7",
        Detail = "sweep-batch",
    };

    /// <summary>Runs an action once, just before the first DELETE the context sends.</summary>
    private sealed class BeforeFirstDelete(Func<Task> action) : DbCommandInterceptor
    {
        private int done;

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.TrimStart().StartsWith("DELETE", StringComparison.Ordinal) && Interlocked.Exchange(ref done, 1) == 0)
            {
                await action();
            }

            return result;
        }
    }
}
