using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Tests.Unit.Auth.Keys;

/// <summary>The per-token validation cache in front of ECDSA verification.</summary>
public sealed class CachingTokenHandlerTests
{
    private readonly JwtOptions options = new();
    private FakeTimeProvider clock = null!;
    private InMemorySigningKeyStore store = null!;
    private KeyRing ring = null!;
    private TokenValidationParameters parameters = null!;
    private int keyLookups;

    [SetUp]
    public async Task SetUp()
    {
        keyLookups = 0;
        clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        store = new InMemorySigningKeyStore();
        ring = store.CreateRing(options, clock);
        await ring.RotateIfDueAsync(CancellationToken.None);
        parameters = AccessTokenValidation.CreateParameters(options, ring, clock);
        var resolve = parameters.IssuerSigningKeyResolver;
        parameters.IssuerSigningKeyResolver = (token, securityToken, kid, p) =>
        {
            keyLookups++;
            return resolve(token, securityToken, kid, p);
        };
    }

    [TearDown]
    public void TearDown() => ring.Dispose();

    [Test]
    public async Task A_token_seen_before_is_not_verified_again_and_yields_its_claims()
    {
        var handler = new CachingTokenHandler(ring, clock);
        var token = Sign();

        var first = await handler.ValidateTokenAsync(token, parameters);
        var second = await handler.ValidateTokenAsync(token, parameters);

        Assert.That(first.IsValid && second.IsValid, Is.True);
        Assert.That(keyLookups, Is.EqualTo(1), "the second validation is served from the cache");
        Assert.That(second.ClaimsIdentity.FindFirst("sub")?.Value, Is.EqualTo("alice-id"));
        Assert.That(second.ClaimsIdentity, Is.Not.SameAs(first.ClaimsIdentity), "each request gets its own identity");
    }

    [Test]
    public async Task A_cached_token_is_refused_once_its_exp_has_passed()
    {
        var handler = new CachingTokenHandler(ring, clock);
        var token = Sign();
        await handler.ValidateTokenAsync(token, parameters);

        clock.Advance(options.AccessTokenLifetime + TimeSpan.FromSeconds(options.ClockSkewSeconds + 1));
        var later = await handler.ValidateTokenAsync(token, parameters);

        Assert.That(later.IsValid, Is.False, "an expired token is validated again, and refused");
    }

    [Test]
    public async Task Revoking_a_key_drops_its_cached_tokens_at_once()
    {
        var handler = new CachingTokenHandler(ring, clock);
        var token = Sign();
        await handler.ValidateTokenAsync(token, parameters);

        await ring.RevokeAsync(ring.Current.Key.KeyId!, CancellationToken.None);
        var after = await handler.ValidateTokenAsync(token, parameters);

        Assert.That(after.IsValid, Is.False, "a revoked key's tokens must not be served from the cache");
    }

    [Test]
    public async Task A_token_whose_key_is_revoked_while_it_is_being_validated_is_not_cached()
    {
        // Arrange: the key is found, then revoked before the validation ends (another request's admin action).
        var handler = new CachingTokenHandler(ring, clock);
        var token = Sign();
        var resolve = parameters.IssuerSigningKeyResolver;
        var racing = parameters.Clone();
        racing.IssuerSigningKeyResolver = (t, securityToken, kid, p) =>
        {
            var keys = resolve(t, securityToken, kid, p).ToList();
            ring.RevokeAsync(kid, CancellationToken.None).GetAwaiter().GetResult();
            return keys;
        };

        // Act
        await handler.ValidateTokenAsync(token, racing);
        var after = await handler.ValidateTokenAsync(token, parameters);

        // Assert
        Assert.That(handler.Count, Is.Zero, "nothing validated under the revoked key is remembered");
        Assert.That(after.IsValid, Is.False, "the next presentation is validated again, and refused");
    }

    [Test]
    public async Task A_full_cache_stops_growing_but_still_validates()
    {
        var handler = new CachingTokenHandler(ring, clock, capacity: 2);

        var results = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            results.Add((await handler.ValidateTokenAsync(Sign(), parameters)).IsValid);
        }

        Assert.That(results, Is.All.True);
        Assert.That(handler.Count, Is.EqualTo(2), "bounded in size");
    }

    [Test]
    public async Task A_cache_full_of_live_tokens_is_walked_at_most_once_a_second_however_many_misses()
    {
        var handler = new CachingTokenHandler(ring, clock, capacity: 2);
        await handler.ValidateTokenAsync(Sign(), parameters);
        await handler.ValidateTokenAsync(Sign(), parameters);

        for (var i = 0; i < 20; i++)
        {
            Assert.That((await handler.ValidateTokenAsync(Sign(), parameters)).IsValid, Is.True);
        }

        Assert.That(handler.Sweeps, Is.EqualTo(1), "twenty misses within the second walk the full cache once");

        clock.Advance(CachingTokenHandler.SweepInterval);
        await handler.ValidateTokenAsync(Sign(), parameters);
        Assert.That(handler.Sweeps, Is.EqualTo(2), "a second later, the next miss looks for expired entries again");
        Assert.That(handler.Count, Is.EqualTo(2), "still bounded");
    }

    [Test]
    public async Task A_full_cache_makes_room_once_its_entries_expire()
    {
        var handler = new CachingTokenHandler(ring, clock, capacity: 2);
        await handler.ValidateTokenAsync(Sign(), parameters);
        await handler.ValidateTokenAsync(Sign(), parameters);
        await handler.ValidateTokenAsync(Sign(), parameters); // full: not remembered

        clock.Advance(options.AccessTokenLifetime + TimeSpan.FromSeconds(1));
        var fresh = Sign();
        await handler.ValidateTokenAsync(fresh, parameters);
        var lookupsBefore = keyLookups;
        var again = await handler.ValidateTokenAsync(fresh, parameters);

        Assert.That(again.IsValid, Is.True);
        Assert.That(keyLookups, Is.EqualTo(lookupsBefore), "the expired entries went, and the new token was remembered");
        Assert.That(handler.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task An_invalid_token_is_not_cached()
    {
        var handler = new CachingTokenHandler(ring, clock);
        var forged = JwtForge.TamperPayload(Sign(), "sub", "mallory");

        await handler.ValidateTokenAsync(forged, parameters);
        var again = await handler.ValidateTokenAsync(forged, parameters);

        Assert.That(again.IsValid, Is.False);
        Assert.That(handler.Count, Is.Zero);
    }

    [Test]
    public async Task A_token_signed_by_a_key_another_instance_made_just_now_is_valid_here_at_once()
    {
        // Arrange: another instance on the same store rotates now; its announcement has not arrived here.
        using var other = store.CreateRing(options, clock);
        await other.RotateNowAsync(CancellationToken.None);
        var handler = new CachingTokenHandler(ring, clock);

        // Act
        var result = await handler.ValidateTokenAsync(Sign(other.Current), parameters);

        // Assert
        Assert.That(result.IsValid, Is.True, "the ring loads the key the token names when it does not hold it");
    }

    [Test]
    public async Task Tokens_naming_made_up_keys_make_the_ring_load_at_most_once_a_second()
    {
        var handler = new CachingTokenHandler(ring, clock);
        var loadsBefore = store.Loads;

        foreach (var _ in Enumerable.Range(0, 5))
        {
            Assert.That((await handler.ValidateTokenAsync(SignWithUnknownKey(), parameters)).IsValid, Is.False);
        }

        var loadsInOneSecond = store.Loads - loadsBefore;
        clock.Advance(KeyRing.UnknownKeyLoadInterval);
        await handler.ValidateTokenAsync(SignWithUnknownKey(), parameters);

        Assert.That(loadsInOneSecond, Is.EqualTo(1));
        Assert.That(store.Loads - loadsBefore, Is.EqualTo(2), "a second later, one more");
    }

    private string SignWithUnknownKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return Sign(new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = Guid.NewGuid().ToString("N") }, SecurityAlgorithms.EcdsaSha256));
    }

    private string Sign(SigningCredentials? credentials = null) => new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = options.Issuer,
        Audience = options.Audience,
        IssuedAt = clock.GetUtcNow().UtcDateTime,
        NotBefore = clock.GetUtcNow().UtcDateTime,
        Expires = (clock.GetUtcNow() + options.AccessTokenLifetime).UtcDateTime,
        TokenType = JwtOptions.AccessTokenType,
        Claims = new Dictionary<string, object> { ["sub"] = "alice-id", ["jti"] = Guid.NewGuid().ToString("N") },
        SigningCredentials = credentials ?? ring.Current,
    });
}
