using JwtMvc.Core.Security;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace JwtMvc.Tests.Unit.Security;

/// <summary>Bucketing and retention of <see cref="SecurityDashboard"/>, over a mocked store and a fake clock.</summary>
public sealed class SecurityDashboardTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider clock = new(Now);
    private readonly Mock<ISecurityEventStore> store = new(MockBehavior.Strict);

    [Test]
    public async Task The_24h_summary_has_24_hourly_buckets_ending_with_the_current_hour_and_counts_by_type()
    {
        (DateTimeOffset, string)[] events =
        [
            (Now.AddMinutes(-5), SecurityEventTypes.SignInFailed),
            (Now.AddMinutes(-10), SecurityEventTypes.SignInFailed),
            (Now.AddMinutes(-20), SecurityEventTypes.Lockout),
            (Now.AddHours(-23).AddMinutes(-29), SecurityEventTypes.SignIn), // 11:01 yesterday: the first bucket
            (Now.AddHours(-3), SecurityEventTypes.RefreshReuse),
        ];
        var from = new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero);
        store.Setup(s => s.StreamTimesAsync(from, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .Returns(events.Where(e => e.Item1 >= from).ToAsyncEnumerable());

        var buckets = (await Dashboard().SummaryAsync("24h", CancellationToken.None))!;

        Assert.That(buckets, Has.Count.EqualTo(24));
        Assert.Multiple(() =>
        {
            Assert.That(buckets[0].Start, Is.EqualTo(from));
            Assert.That(buckets[^1].Start, Is.EqualTo(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)), "the last bucket is the current hour");
            Assert.That(buckets[^1], Is.EqualTo(new SecurityBucket(buckets[^1].Start, 0, 2, 1, 0)));
            Assert.That(buckets[^4].ReuseDetected, Is.EqualTo(1), "three hours ago");
            Assert.That(buckets[0].Logins, Is.EqualTo(1), "the oldest hour of the window");
        });
    }

    [Test]
    public async Task The_30d_summary_has_30_daily_buckets_ending_today()
    {
        var from = new DateTimeOffset(2026, 10, 29, 0, 0, 0, TimeSpan.Zero);
        store.Setup(s => s.StreamTimesAsync(from, It.IsAny<IReadOnlyCollection<string>>(), It.IsAny<CancellationToken>()))
            .Returns(new[] { (from.AddHours(1), SecurityEventTypes.SignIn) }.ToAsyncEnumerable());

        var buckets = (await Dashboard().SummaryAsync("30d", CancellationToken.None))!;

        Assert.That(buckets, Has.Count.EqualTo(30));
        Assert.That(buckets[^1].Start, Is.EqualTo(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero)));
        Assert.That(buckets[0].Logins, Is.EqualTo(1));
    }

    [TestCase("7d")]
    [TestCase("")]
    [TestCase(null)]
    public async Task An_unknown_range_is_null(string? range) =>
        Assert.That(await Dashboard().SummaryAsync(range, CancellationToken.None), Is.Null);

    [Test]
    public async Task The_sweep_deletes_what_is_older_than_the_retention()
    {
        store.Setup(s => s.DeleteOlderThanAsync(Now.AddDays(-30), It.IsAny<CancellationToken>())).ReturnsAsync(3);

        var deleted = await Dashboard(retentionDays: 30).SweepAsync(CancellationToken.None);

        Assert.That(deleted, Is.EqualTo(3));
        store.VerifyAll();
    }

    private SecurityDashboard Dashboard(int retentionDays = 90) =>
        new(store.Object, Options.Create(new SecurityOptions { EventRetentionDays = retentionDays }), clock);
}
