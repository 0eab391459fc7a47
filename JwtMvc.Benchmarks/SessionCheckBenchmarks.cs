using BenchmarkDotNet.Attributes;
using JwtMvc.Core.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Benchmarks;

/// <summary>The per-request session check (SessionService.IsActiveAsync): answered by the cache, and a miss that reads SQLite.</summary>
[MemoryDiagnoser]
public class SessionCheckBenchmarks
{
    private BenchmarkServices services = null!;
    private AsyncServiceScope scope;
    private SessionService sessions = null!;
    private SessionCache cache = null!;
    private SessionCheck check = null!;
    private IUserRecordCache users = null!;
    private Guid sessionId;
    private string userId = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        services = await BenchmarkServices.CreateAsync(new Dictionary<string, string?> { ["Jwt:SessionCheckSeconds"] = "3600" });
        scope = services.NewScope();
        sessions = scope.ServiceProvider.GetRequiredService<SessionService>();
        cache = scope.ServiceProvider.GetRequiredService<SessionCache>();
        check = scope.ServiceProvider.GetRequiredService<SessionCheck>();
        users = scope.ServiceProvider.GetRequiredService<IUserRecordCache>();
        var user = await services.SeededUserAsync();
        userId = user.Id;
        sessionId = (await services.StartSessionAsync(scope, user, new ClientInfo(IpAddress: null, UserAgent: null))).SessionId;
        if (!await sessions.IsActiveAsync(sessionId, userId, CancellationToken.None))
        {
            throw new InvalidOperationException("The session just started is not active: the setup is wrong.");
        }

        await scope.ServiceProvider.GetRequiredService<IUserReader>().FindCachedAsync(userId, CancellationToken.None);
        if (!await MeReadsInRequestScope())
        {
            throw new InvalidOperationException("GET /api/me's reads did not hit the caches: the setup is wrong.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await scope.DisposeAsync();
        await services.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "IsActiveAsync, cache hit")]
    public ValueTask<bool> CacheHit() => sessions.IsActiveAsync(sessionId, userId, CancellationToken.None);

    /// <summary>As a request pays it: a new scope, the scoped SessionService (and what it depends on), the check.</summary>
    [Benchmark(Description = "IsActiveAsync, cache hit, in a request scope")]
    public async Task<bool> CacheHitInRequestScope()
    {
        await using var requestScope = services.NewScope();
        return await requestScope.ServiceProvider.GetRequiredService<SessionService>().IsActiveAsync(sessionId, userId, CancellationToken.None);
    }

    /// <summary>As a request pays it now (JwtBearerSetup, then MeController): a request scope, and nothing resolved from it on hits.</summary>
    [Benchmark(Description = "SessionCheck.IsActiveAsync, cache hit, in a request scope")]
    public async Task<bool> SessionCheckInRequestScope()
    {
        await using var requestScope = services.NewScope();
        return await check.IsActiveAsync(sessionId, userId, requestScope.ServiceProvider, CancellationToken.None);
    }

    /// <summary>What GET /api/me reads on cache hits: the session check and the user record, in a request scope.</summary>
    [Benchmark(Description = "GET /api/me's reads, cache hits, in a request scope")]
    public async Task<bool> MeReadsInRequestScope()
    {
        await using var requestScope = services.NewScope();
        return await check.IsActiveAsync(sessionId, userId, requestScope.ServiceProvider, CancellationToken.None)
            && users.TryGet(userId, out var user) && user is not null;
    }

    [Benchmark(Description = "IsActiveAsync, cache miss (SQLite), in a request scope")]
    public async Task<bool> CacheMiss()
    {
        cache.Evict(sessionId);
        await using var requestScope = services.NewScope();
        return await requestScope.ServiceProvider.GetRequiredService<SessionService>().IsActiveAsync(sessionId, userId, CancellationToken.None);
    }
}
