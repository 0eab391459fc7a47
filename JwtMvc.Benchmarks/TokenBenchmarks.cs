using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using JwtMvc.Core.Auth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Benchmarks;

/// <summary>
/// Issuing and validating access tokens, against the floor: one raw HMAC-SHA256 over a signing input of the
/// same size. <see cref="TokenCount"/> distinct tokens (each with its own active session) are used in turn,
/// so a cost that grows with the number of tokens or sessions shows up as a difference between the rows.
/// </summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private static readonly ClientInfo Client = new("127.0.0.1", "JwtMvc.Benchmarks");

    // What JwtBearer uses (JwtBearerOptions.TokenHandlers holds a plain JsonWebTokenHandler).
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };

    private BenchmarkServices services = null!;
    private AsyncServiceScope scope;
    private TokenService tokens = null!;
    private SessionService sessions = null!;
    private SessionCheck sessionCheck = null!;
    private TokenValidationParameters parameters = null!;
    private AuthUser user = null!;
    private Guid sessionId;
    private string[] accessTokens = [];
    private byte[] key = [];
    private byte[][] signingInputs = [];
    private int next;

    [Params(1, 1000)]
    public int TokenCount { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // Sessions stay cached for the whole run: the cache-hit path is what this class measures.
        services = await BenchmarkServices.CreateAsync(new Dictionary<string, string?> { ["Jwt:SessionCheckSeconds"] = "3600" });
        scope = services.NewScope();
        var provider = scope.ServiceProvider;
        tokens = provider.GetRequiredService<TokenService>();
        sessions = provider.GetRequiredService<SessionService>();
        sessionCheck = provider.GetRequiredService<SessionCheck>();
        var options = provider.GetRequiredService<IOptions<JwtOptions>>().Value;
        var keys = provider.GetRequiredService<SigningKeys>();
        parameters = AccessTokenValidation.CreateParameters(options, keys, TimeProvider.System);
        key = Convert.FromBase64String(options.SigningKey!);
        user = await services.SeededUserAsync();

        accessTokens = new string[TokenCount];
        signingInputs = new byte[TokenCount][];
        for (var i = 0; i < TokenCount; i++)
        {
            await using var requestScope = services.NewScope();
            var issued = await services.StartSessionAsync(requestScope, user, Client);
            accessTokens[i] = issued.AccessToken.Token;
            signingInputs[i] = Encoding.ASCII.GetBytes(issued.AccessToken.Token[..issued.AccessToken.Token.LastIndexOf('.')]);
            sessionId = issued.SessionId;
            if (!await sessions.IsActiveAsync(issued.SessionId, user.Id, CancellationToken.None) || !await ValidateWithSessionCheck())
            {
                throw new InvalidOperationException("The benchmark's own token does not validate: the setup is wrong.");
            }
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await scope.DisposeAsync();
        await services.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "HMAC-SHA256 floor")]
    public int HmacFloor()
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        return HMACSHA256.HashData(key, signingInputs[Next()], mac);
    }

    [Benchmark(Description = "CreateAccessToken")]
    public string CreateAccessToken() => tokens.CreateAccessToken(user, sessionId).Token;

    [Benchmark(Description = "Validate (JsonWebTokenHandler)")]
    public async Task<bool> Validate() =>
        (await handler.ValidateTokenAsync(accessTokens[Next()], parameters)).IsValid;

    /// <summary>What JwtBearer plus JwtBearerSetup.ValidateSessionAsync do for one request: validate, read sid, check the session.</summary>
    [Benchmark(Description = "Validate + session check (cache hit)")]
    public async Task<bool> ValidateWithSessionCheck()
    {
        var result = await handler.ValidateTokenAsync(accessTokens[Next()], parameters);
        return result.IsValid
            && Guid.TryParse(result.ClaimsIdentity.FindFirst(AccessTokenClaims.SessionId)?.Value, out var id)
            && result.ClaimsIdentity.FindFirst(AccessTokenClaims.Subject)?.Value is { } subject
            && await sessions.IsActiveAsync(id, subject, CancellationToken.None);
    }

    /// <summary>The same as a request pays it (JwtBearerSetup): a request scope, a cache hit answered without resolving from it.</summary>
    [Benchmark(Description = "Validate + session check (cache hit), in a request scope")]
    public async Task<bool> ValidateWithSessionCheckInRequestScope()
    {
        await using var requestScope = services.NewScope();
        var result = await handler.ValidateTokenAsync(accessTokens[Next()], parameters);
        return result.IsValid
            && Guid.TryParse(result.ClaimsIdentity.FindFirst(AccessTokenClaims.SessionId)?.Value, out var id)
            && result.ClaimsIdentity.FindFirst(AccessTokenClaims.Subject)?.Value is { } subject
            && await sessionCheck.IsActiveAsync(id, subject, requestScope.ServiceProvider, CancellationToken.None);
    }

    private int Next()
    {
        var index = next;
        next = index + 1 == TokenCount ? 0 : index + 1;
        return index;
    }
}
