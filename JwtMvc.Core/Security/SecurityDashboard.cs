using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Security;

/// <summary>The admin's view of the security events: counts per hour or day, and the filtered list.</summary>
public sealed class SecurityDashboard(ISecurityEventStore store, IOptions<SecurityOptions> options, TimeProvider clock)
{
    public const int MaxPageSize = 100;

    /// <summary>With <see cref="MaxPageSize"/>, keeps the number of skipped rows well inside an int.</summary>
    public const int MaxPage = 100_000;

    private static readonly string[] CountedTypes =
        [SecurityEventTypes.SignIn, SecurityEventTypes.SignInFailed, SecurityEventTypes.Lockout, SecurityEventTypes.RefreshReuse];

    /// <summary>
    /// The last 24 hours in hourly buckets or the last 30 days in daily ones, oldest first, empty buckets
    /// included; the last bucket holds the current hour or day. Null for an unknown range.
    /// </summary>
    public async Task<IReadOnlyList<SecurityBucket>?> SummaryAsync(string? range, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (width, count, current) = range switch
        {
            "24h" => (TimeSpan.FromHours(1), 24, new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero)),
            "30d" => (TimeSpan.FromDays(1), 30, new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero)),
            _ => (TimeSpan.Zero, 0, default),
        };
        if (count == 0)
        {
            return null;
        }

        var from = current - (width * (count - 1));
        var counts = new int[count, CountedTypes.Length];
        await foreach (var (at, type) in store.StreamTimesAsync(from, CountedTypes, cancellationToken))
        {
            var bucket = (int)((at - from).Ticks / width.Ticks);
            var column = Array.IndexOf(CountedTypes, type);
            if (bucket >= 0 && bucket < count && column >= 0)
            {
                counts[bucket, column]++;
            }
        }

        return Enumerable.Range(0, count)
            .Select(i => new SecurityBucket(from + (width * i), counts[i, 0], counts[i, 1], counts[i, 2], counts[i, 3]))
            .ToList();
    }

    /// <summary>One page of events, newest first. The caller has checked the filters and paging.</summary>
    public Task<(IReadOnlyList<SecurityEvent> Items, int TotalCount)> ListAsync(string? type, string? userId, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(page, MaxPage);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var skip = checked((page - 1) * pageSize);
        return store.ListAsync(type, userId, skip, pageSize, cancellationToken);
    }

    /// <summary>Deletes the events older than <see cref="SecurityOptions.EventRetentionDays"/>; returns how many.</summary>
    public Task<int> SweepAsync(CancellationToken cancellationToken) =>
        store.DeleteOlderThanAsync(clock.GetUtcNow() - TimeSpan.FromDays(options.Value.EventRetentionDays), cancellationToken);
}

/// <summary>The counts of one hour or day, from <see cref="Start"/>.</summary>
public sealed record SecurityBucket(DateTimeOffset Start, int Logins, int FailedLogins, int Lockouts, int ReuseDetected);
