using BenchmarkDotNet.Attributes;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Benchmarks;

/// <summary>
/// Validating ES256 access tokens from the key ring: a plain <see cref="JsonWebTokenHandler"/> (one ECDSA
/// verification per request) against <see cref="CachingTokenHandler"/> (what JwtBearer uses in key-ring mode),
/// over <see cref="TokenCount"/> distinct tokens used in turn, each validated once during setup.
/// </summary>
[MemoryDiagnoser]
public class KeyRingBenchmarks
{
    private static readonly ClientInfo Client = new("127.0.0.1", "JwtMvc.Benchmarks");

    private readonly JsonWebTokenHandler plain = new() { MapInboundClaims = false };
    private BenchmarkServices services = null!;
    private CachingTokenHandler caching = null!;
    private KeyRing ring = null!;
    private TokenValidationParameters parameters = null!;
    private string[] accessTokens = [];
    private int next;

    [Params(1, 1000)]
    public int TokenCount { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // An empty Jwt:SigningKey selects key-ring mode (ES256 by default); the keys stay fresh for the whole run.
        services = await BenchmarkServices.CreateAsync(new Dictionary<string, string?> { ["Jwt:SigningKey"] = "", ["Jwt:SessionCheckSeconds"] = "3600" });
        var provider = services.Services;
        ring = provider.GetRequiredService<KeyRing>();
        await ring.EnsureFreshAsync(CancellationToken.None);
        parameters = AccessTokenValidation.CreateParameters(provider.GetRequiredService<IOptions<JwtOptions>>().Value, ring, TimeProvider.System);
        caching = new CachingTokenHandler(ring, TimeProvider.System);
        var user = await services.SeededUserAsync();

        accessTokens = new string[TokenCount];
        for (var i = 0; i < TokenCount; i++)
        {
            await using var scope = services.NewScope();
            accessTokens[i] = (await services.StartSessionAsync(scope, user, Client)).AccessToken.Token;
            if (!(await caching.ValidateTokenAsync(accessTokens[i], parameters)).IsValid)
            {
                throw new InvalidOperationException("The benchmark's own ES256 token does not validate: the setup is wrong.");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await services.DisposeAsync();

    [Benchmark(Baseline = true, Description = "ES256 validate (no cache)")]
    public async Task<bool> ValidateWithoutCache() => (await plain.ValidateTokenAsync(accessTokens[Next()], parameters)).IsValid;

    [Benchmark(Description = "ES256 validate (CachingTokenHandler, hit)")]
    public async Task<bool> ValidateWithCache() => (await caching.ValidateTokenAsync(accessTokens[Next()], parameters)).IsValid;

    /// <summary>What every request with a token asks first (JwtBearerSetup's OnMessageReceived): are the keys fresh?</summary>
    [Benchmark(Description = "EnsureFreshAsync (keys fresh)")]
    public ValueTask EnsureFresh() => ring.EnsureFreshAsync(CancellationToken.None);

    private int Next()
    {
        var index = next;
        next = index + 1 == TokenCount ? 0 : index + 1;
        return index;
    }
}
