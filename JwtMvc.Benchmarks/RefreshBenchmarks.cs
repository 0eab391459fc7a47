using BenchmarkDotNet.Attributes;
using JwtMvc.Core.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Benchmarks;

/// <summary>
/// Starting a session (the first refresh token) and rotating a refresh token, over the real Data stores on a
/// SQLite file, one request scope (one DbContext) per operation as in the app. Each rotation uses the token the
/// previous one returned, so every operation is a real, successful rotation. The user has the default session limit
/// (100): once it is reached, each started session also ends the least recently used one, as a sign-in then does.
/// </summary>
[MemoryDiagnoser]
public class RefreshBenchmarks
{
    private static readonly ClientInfo Client = new("127.0.0.1", "JwtMvc.Benchmarks");

    private BenchmarkServices services = null!;
    private AuthUser user = null!;
    private string refreshToken = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        services = await BenchmarkServices.CreateAsync(new Dictionary<string, string?> { ["Jwt:MaxSessionsPerUser"] = "100" });
        await using var scope = services.NewScope();
        user = await services.SeededUserAsync();
        refreshToken = (await services.StartSessionAsync(scope, user, Client)).RefreshToken;
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => services.DisposeAsync();

    [Benchmark(Description = "StartSessionAsync (SQLite)")]
    public async Task<Guid> StartSession()
    {
        await using var scope = services.NewScope();
        return (await services.StartSessionAsync(scope, user, Client)).SessionId;
    }

    [Benchmark(Description = "RefreshAsync: rotate (SQLite)")]
    public async Task<string> Rotate()
    {
        await using var scope = services.NewScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<TokenService>().RefreshAsync(refreshToken, Client, CancellationToken.None);
        refreshToken = outcome is RefreshOutcome.Success success
            ? success.Tokens.RefreshToken
            : throw new InvalidOperationException("A fresh refresh token was refused: " + outcome);
        return refreshToken;
    }
}
