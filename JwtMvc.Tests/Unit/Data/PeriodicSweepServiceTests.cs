using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace JwtMvc.Tests.Unit.Data;

/// <summary>The loop the background sweeps share: when they run, and that a failed sweep does not end it.</summary>
public sealed class PeriodicSweepServiceTests
{
    [Test]
    public async Task The_first_sweep_waits_a_minute_after_start_and_a_failed_one_is_tried_again_an_interval_later()
    {
        // Arrange: a sweep that fails the first time; the fake clock moves on a second at a time.
        var clock = new FakeTimeProvider(DataServices.Start);
        await using var services = new ServiceCollection().BuildServiceProvider();
        var sweep = new RecordingSweep(services.GetRequiredService<IServiceScopeFactory>(), clock);

        // Act
        await sweep.StartAsync(CancellationToken.None);
        try
        {
            var twice = await ClusterFixture.EventuallyAsync(
                () =>
                {
                    clock.Advance(TimeSpan.FromSeconds(30));
                    return Task.FromResult(sweep.RunsAt.Count >= 2);
                },
                TimeSpan.FromSeconds(30));
            Assert.That(twice, Is.True, "the loop went on after the failed sweep");
        }
        finally
        {
            await sweep.StopAsync(CancellationToken.None);
        }

        // Assert
        Assert.That(sweep.RunsAt[0] - DataServices.Start, Is.GreaterThanOrEqualTo(PeriodicSweepService.FirstDelay), "not during the start");
        Assert.That(sweep.RunsAt[1] - sweep.RunsAt[0], Is.GreaterThanOrEqualTo(PeriodicSweepService.Interval));
    }

    private sealed class RecordingSweep(IServiceScopeFactory scopes, FakeTimeProvider time)
        : PeriodicSweepService(scopes, time, NullLogger.Instance)
    {
        private readonly TimeProvider clock = time;

        public List<DateTimeOffset> RunsAt { get; } = [];

        protected override string What => "test rows";

        protected override Task<int> SweepAsync(IServiceProvider services, CancellationToken cancellationToken)
        {
            RunsAt.Add(clock.GetUtcNow());
            return RunsAt.Count == 1 ? throw new InvalidOperationException("the first sweep fails") : Task.FromResult(0);
        }
    }
}
