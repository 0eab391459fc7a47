using System.Text.Json.Nodes;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Core.Security;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Tests.Unit.Auth.Keys;

/// <summary>The key ring's lifecycle on a fake clock: announced -> active -> retired -> removed, and revocation.</summary>
public sealed class KeyRingLifecycleTests
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private static readonly TimeSpan TokenLife = TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30);

    private readonly JwtOptions options = new();
    private FakeTimeProvider clock = null!;
    private InMemorySigningKeyStore store = null!;
    private KeyRing ring = null!;

    [SetUp]
    public async Task SetUp()
    {
        clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        store = new InMemorySigningKeyStore();
        ring = store.CreateRing(options, clock);
        await ring.RotateIfDueAsync(CancellationToken.None);
    }

    [TearDown]
    public void TearDown() => ring.Dispose();

    [Test]
    public void The_very_first_key_is_ES256_and_signs_at_once()
    {
        var key = store.All.Single();

        Assert.That(key.Algorithm, Is.EqualTo("ES256"));
        Assert.That(key.ActivatesAt, Is.EqualTo(clock.GetUtcNow()), "the first key must not wait to be announced");
        Assert.That(ring.Current.Key.KeyId, Is.EqualTo(key.KeyId));
        Assert.That(ring.Current.Algorithm, Is.EqualTo("ES256"));
    }

    [Test]
    public async Task Every_key_the_ring_creates_on_its_own_is_recorded_as_a_key_rotated_event()
    {
        var first = store.All.Single();
        clock.Advance(TimeSpan.FromDays(29) + TimeSpan.FromMinutes(1)); // the successor is due to be announced

        await ring.RotateIfDueAsync(CancellationToken.None);

        var successor = store.All.Single(k => k.KeyId != first.KeyId);
        Assert.That(store.Events.Recorded.Select(e => (e.Type, e.Detail)), Is.EqualTo(new[]
        {
            (SecurityEventTypes.KeyRotated, (string?)$"kid {first.KeyId}: created as the first key, signs now"),
            (SecurityEventTypes.KeyRotated, (string?)$"kid {successor.KeyId}: created by the schedule, signs from {successor.ActivatesAt:O}"),
        }), "the first key and the scheduled successor, each once, named by kid");
    }

    [Test]
    public async Task Revoking_the_signing_key_records_the_key_that_replaces_it()
    {
        var first = store.All.Single();

        await ring.RevokeAsync(first.KeyId, CancellationToken.None);

        var replacement = store.All.Single(k => k.KeyId != first.KeyId);
        Assert.That(store.Events.Recorded.Last(), Is.EqualTo((SecurityEventTypes.KeyRotated, (string?)null,
            (string?)$"kid {replacement.KeyId}: created to replace the revoked signing key {first.KeyId}, signs now")));
    }

    [Test]
    public async Task The_public_jwk_holds_no_private_member()
    {
        var jwk = JsonNode.Parse(store.All.Single().PublicJwk)!.AsObject();

        Assert.That(jwk.Select(p => p.Key), Is.EquivalentTo(new[] { "kty", "kid", "use", "alg", "crv", "x", "y" }));
        Assert.That((string?)jwk["kid"], Is.EqualTo(store.All.Single().KeyId));
        await Task.CompletedTask;
    }

    [Test]
    public async Task A_successor_is_announced_a_day_before_it_signs_and_nothing_earlier()
    {
        var first = store.All.Single();

        clock.Advance(TimeSpan.FromDays(29) - TimeSpan.FromMinutes(1));
        await ring.RotateIfDueAsync(CancellationToken.None);
        Assert.That(store.All, Has.Count.EqualTo(1), "no successor before AnnounceHours ahead of retirement");

        clock.Advance(TimeSpan.FromMinutes(1));
        await ring.RotateIfDueAsync(CancellationToken.None);

        var successor = store.All.Single(k => k.KeyId != first.KeyId);
        Assert.That(successor.ActivatesAt, Is.EqualTo(first.RetiresAt), "it takes over when the current key retires");
        Assert.That(successor.ActivatesAt - clock.GetUtcNow(), Is.EqualTo(TimeSpan.FromHours(24)));
        Assert.That(KeyLifecycle.StatusAt(successor, clock.GetUtcNow()), Is.EqualTo(SigningKeyStatus.Announced));
        Assert.That(ring.PublishedKeys.Select(k => k.KeyId), Is.EquivalentTo(new[] { first.KeyId, successor.KeyId }), "announced keys are published in advance");
        Assert.That(ring.Current.Key.KeyId, Is.EqualTo(first.KeyId), "an announced key does not sign yet");
    }

    [Test]
    public async Task The_successor_signs_once_the_current_key_retires_and_exactly_one_key_signs()
    {
        var first = store.All.Single();
        clock.Advance(TimeSpan.FromDays(29));
        await ring.RotateIfDueAsync(CancellationToken.None);
        var successor = store.All.Single(k => k.KeyId != first.KeyId);

        clock.Advance(TimeSpan.FromDays(1));

        Assert.That(ring.Current.Key.KeyId, Is.EqualTo(successor.KeyId));
        Assert.That(store.All.Count(k => KeyLifecycle.StatusAt(k, clock.GetUtcNow()) == SigningKeyStatus.Active), Is.EqualTo(1));
        Assert.That(KeyLifecycle.StatusAt(store.All.Single(k => k.KeyId == first.KeyId), clock.GetUtcNow()), Is.EqualTo(SigningKeyStatus.Retired));
    }

    [Test]
    public async Task A_retired_key_verifies_until_the_last_token_it_signed_expires_then_is_gone()
    {
        var first = store.All.Single();
        clock.Advance(TimeSpan.FromDays(29));
        await ring.RotateIfDueAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        var lastToken = Sign(); // signed by the old key one second before it retires
        clock.Advance(TimeSpan.FromSeconds(1));
        await ring.RotateIfDueAsync(CancellationToken.None);

        clock.Advance(TokenLife - TimeSpan.FromSeconds(2));
        Assert.That((await ValidateAsync(lastToken)).IsValid, Is.True, "the retired key still verifies its last token");
        Assert.That(ring.PublishedKeys.Select(k => k.KeyId), Does.Contain(first.KeyId));

        clock.Advance(TimeSpan.FromSeconds(2));
        await ring.RotateIfDueAsync(CancellationToken.None);
        Assert.That(ring.PublishedKeys.Select(k => k.KeyId), Does.Not.Contain(first.KeyId), "removed keys leave the JWKS");
        Assert.That(ring.Resolve(first.KeyId), Is.Empty, "and validation");
    }

    [Test]
    public async Task Rotate_now_makes_a_new_key_sign_at_once_and_the_old_one_retires_but_verifies()
    {
        var first = store.All.Single();
        var before = Sign();

        var created = await ring.RotateNowAsync(CancellationToken.None);

        Assert.That(ring.Current.Key.KeyId, Is.EqualTo(created.KeyId));
        Assert.That(KeyLifecycle.StatusAt(store.All.Single(k => k.KeyId == first.KeyId), clock.GetUtcNow()), Is.EqualTo(SigningKeyStatus.Retired));
        Assert.That((await ValidateAsync(before)).IsValid, Is.True, "tokens of the retired key live out their lifetime");
        Assert.That((await ValidateAsync(Sign())).IsValid, Is.True);
    }

    [Test]
    public async Task Revoking_the_signing_key_makes_a_new_one_sign_and_its_tokens_fail_at_once()
    {
        var first = store.All.Single();
        var before = Sign();

        var revoked = await ring.RevokeAsync(first.KeyId, CancellationToken.None);

        Assert.That(revoked!.RevokedAt, Is.EqualTo(clock.GetUtcNow()));
        Assert.That(revoked.RetiresAt, Is.EqualTo(clock.GetUtcNow()), "the answer shows the key as stored: its successor retired it now");
        Assert.That(ring.Current.Key.KeyId, Is.Not.EqualTo(first.KeyId), "a new key signs");
        Assert.That((await ValidateAsync(before)).IsValid, Is.False, "a revoked key's tokens are refused at once");
        Assert.That(ring.PublishedKeys.Select(k => k.KeyId), Does.Not.Contain(first.KeyId));
        Assert.That((await ValidateAsync(Sign())).IsValid, Is.True);
    }

    [Test]
    public async Task Revoking_raises_KeyRevoked_so_caches_can_drop_the_key()
    {
        var first = store.All.Single();
        var dropped = new List<string>();
        ring.KeyRevoked += dropped.Add;

        await ring.RevokeAsync(first.KeyId, CancellationToken.None);

        Assert.That(dropped, Is.EqualTo(new[] { first.KeyId }));
    }

    [Test]
    public async Task Revoking_an_unknown_key_answers_null()
    {
        Assert.That(await ring.RevokeAsync("no-such-kid", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task Two_rings_on_one_store_that_rotate_at_the_same_time_create_one_key()
    {
        using var other = store.CreateRing(options, clock);
        clock.Advance(TimeSpan.FromDays(29));

        await Task.WhenAll(ring.RotateIfDueAsync(CancellationToken.None), other.RotateIfDueAsync(CancellationToken.None));

        Assert.That(store.All, Has.Count.EqualTo(2), "one successor, whatever the number of instances");
    }

    [Test]
    public async Task An_RS256_ring_makes_RSA_keys()
    {
        var rsaStore = new InMemorySigningKeyStore();
        using var rsaRing = rsaStore.CreateRing(new JwtOptions { Algorithm = "RS256" }, clock);

        await rsaRing.RotateIfDueAsync(CancellationToken.None);

        var jwk = JsonNode.Parse(rsaStore.All.Single().PublicJwk)!.AsObject();
        Assert.That(jwk.Select(p => p.Key), Is.EquivalentTo(new[] { "kty", "kid", "use", "alg", "n", "e" }));
        Assert.That(rsaRing.Current.Algorithm, Is.EqualTo("RS256"));
    }

    private string Sign() => Handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = options.Issuer,
        Audience = options.Audience,
        IssuedAt = clock.GetUtcNow().UtcDateTime,
        NotBefore = clock.GetUtcNow().UtcDateTime,
        Expires = (clock.GetUtcNow() + options.AccessTokenLifetime).UtcDateTime,
        TokenType = JwtOptions.AccessTokenType,
        SigningCredentials = ring.Current,
    });

    private Task<TokenValidationResult> ValidateAsync(string token) =>
        Handler.ValidateTokenAsync(token, AccessTokenValidation.CreateParameters(options, ring, clock));
}
