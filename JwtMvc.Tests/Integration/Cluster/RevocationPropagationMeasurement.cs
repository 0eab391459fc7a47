using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Cluster;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>
/// How long a revocation takes to reach the other instances (docs/PERFORMANCE.md): from the start of
/// SessionService.RevokeAsync on the first instance (database write included) to the moment the second and third
/// instance receive the eviction. Prints median and worst of 100; asserts only that every one arrived.
/// Run: dotnet test --filter "FullyQualifiedName~RevocationPropagationMeasurement"
/// </summary>
[Explicit("a measurement; prints timings for docs/PERFORMANCE.md")]
[Category("Measurement")]
public sealed class RevocationPropagationMeasurement : ClusterFixture
{
    private const int Revocations = 100;

    [Test]
    public async Task Revocations_reach_the_other_instances()
    {
        var userId = await SeededUserIdAsync("alice");
        var received = new ConcurrentDictionary<(int Instance, string SessionId), long>();
        var subscriptions = Instances.Skip(1).Select((instance, index) => instance.Services.GetRequiredService<ICacheInvalidation>().Subscribe(message =>
        {
            var at = Stopwatch.GetTimestamp();
            foreach (var id in message.Ids)
            {
                received.TryAdd((index, id), at);
            }
        })).ToList();

        var delays = new List<double>();
        for (var i = 0; i < Revocations; i++)
        {
            var sessionId = await NewSessionAsync(userId);
            await using var scope = First.Services.CreateAsyncScope();
            var started = Stopwatch.GetTimestamp();
            await scope.ServiceProvider.GetRequiredService<SessionService>().RevokeAsync(sessionId, "measurement");
            foreach (var instance in new[] { 0, 1 })
            {
                var key = (instance, sessionId.ToString("D"));
                Assert.That(await EventuallyAsync(() => Task.FromResult(received.ContainsKey(key)), TimeSpan.FromSeconds(1)), Is.True, "every revocation arrives within 1 s");
                delays.Add(Stopwatch.GetElapsedTime(started, received[key]).TotalMilliseconds);
            }
        }

        subscriptions.ForEach(s => s.Dispose());
        delays.Sort();
        var median = delays[delays.Count / 2];
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"revocation -> other instances over {Revocations} revocations x 2 instances: median {median:F2} ms, worst {delays[^1]:F2} ms, p90 {delays[(int)(delays.Count * 0.9)]:F2} ms"));
    }

    private async Task<string> SeededUserIdAsync(string userName)
    {
        await using var scope = First.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<JwtMvc.Data.AppUser>>();
        return (await users.FindByNameAsync(userName))!.Id;
    }

    private async Task<Guid> NewSessionAsync(string userId)
    {
        var now = First.Clock.GetUtcNow();
        var session = new Session { Id = Guid.NewGuid(), UserId = userId, CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(1) };
        await using var scope = First.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ISessionStore>().CreateAsync(session, Sessions.NewToken(session), CancellationToken.None);
        return session.Id;
    }
}
