namespace JwtMvc.Core.Concurrency;

/// <summary>
/// Lets a full cache walk its entries at most once per interval, whoever asks: while it stays full of live entries,
/// every miss would otherwise walk all of it.
/// </summary>
public sealed class SweepSchedule(TimeSpan interval)
{
    private long nextTicks;
    private long sweeps;

    public TimeSpan Interval => interval;

    /// <summary>How many sweeps were let through (for tests).</summary>
    public long Sweeps => Interlocked.Read(ref sweeps);

    /// <summary>True for exactly one caller per interval; that caller sweeps.</summary>
    public bool TryStart(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref nextTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextTicks, (now + interval).UtcTicks, due) != due)
        {
            return false;
        }

        Interlocked.Increment(ref sweeps);
        return true;
    }
}
