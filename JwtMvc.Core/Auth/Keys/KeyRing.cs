using System.Collections.Frozen;
using JwtMvc.Core.Cluster;
using JwtMvc.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth.Keys;

/// <summary>
/// Key-ring mode: asymmetric keys in the database (<see cref="ISigningKeyStore"/>), rotated on the schedule of
/// <see cref="KeyLifecycle"/>. Keeps an in-memory snapshot for signing and validation, reloaded every
/// <c>Jwt:SessionCheckSeconds</c> (so a revocation on another instance is seen within that time), at once after
/// a change made here, and at once when another instance announces a change (<see cref="ICacheInvalidation"/>:
/// with Redis, within about a second). Keys it creates on its own (the first, the scheduled successor, the replacement
/// of a revoked signing key) are recorded as <see cref="SecurityEventTypes.KeyRotated"/> events; an admin's "rotate
/// now" and "revoke" are recorded by <see cref="SigningKeyAdminService"/>, which knows the admin.
/// </summary>
public sealed partial class KeyRing : SigningKeys, IDisposable
{
    private readonly JwtOptions settings;
    private readonly KeyLifecycle lifecycle;
    private readonly IServiceScopeFactory scopes;
    private readonly IPrivateKeyProtector protector;
    private readonly TimeProvider clock;
    private readonly ILogger<KeyRing> logger;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ICacheInvalidation invalidation;
    private readonly IDisposable subscription;
    private volatile Snapshot? snapshot;
    private long lastUnknownKeyLoadTicks;

    public KeyRing(
        IOptions<JwtOptions> options,
        IServiceScopeFactory scopes,
        IPrivateKeyProtector protector,
        TimeProvider clock,
        ILogger<KeyRing> logger,
        ICacheInvalidation? invalidation = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        settings = options.Value;
        lifecycle = new KeyLifecycle(settings);
        this.scopes = scopes;
        this.protector = protector;
        this.clock = clock;
        this.logger = logger;
        this.invalidation = invalidation ?? new InProcessCacheInvalidation();
        subscription = this.invalidation.SubscribeKeysChanged(() => _ = ReloadAnnouncedChangeAsync());
    }

    /// <summary>Raised when a key this instance knew is found revoked, so caches of what it verified can drop it.</summary>
    public event Action<string>? KeyRevoked;

    public override bool FromConfiguration => false;

    public override SigningCredentials Current
    {
        get
        {
            var current = snapshot ?? throw new InvalidOperationException("The key ring has not been loaded; call EnsureFreshAsync first.");
            var signer = lifecycle.SignerAt(current.Keys, clock.GetUtcNow());
            return signer is not null && current.Signing.TryGetValue(signer.KeyId, out var credentials)
                ? credentials
                : throw new InvalidOperationException("No signing key is active; call EnsureFreshAsync first.");
        }
    }

    /// <summary>The keys published in the JWKS: announced, active and retired keys of the configured algorithm.</summary>
    public IReadOnlyList<SigningKeyRecord> PublishedKeys
    {
        get
        {
            var now = clock.GetUtcNow();
            return snapshot?.Keys.Where(k => k.Algorithm == settings.Algorithm && KeyLifecycle.Verifies(k, now)).OrderByDescending(k => k.Generation).ToList() ?? [];
        }
    }

    public override async ValueTask EnsureFreshAsync(CancellationToken cancellationToken)
    {
        var current = snapshot;
        var now = clock.GetUtcNow();
        if (current is not null && lifecycle.HasSignerAt(current.Keys, now))
        {
            if (now - current.LoadedAt < ReloadInterval || !await gate.WaitAsync(0, cancellationToken))
            {
                return; // fresh, or another request is reloading: the current keys serve meanwhile
            }
        }
        else
        {
            await gate.WaitAsync(cancellationToken);
        }

        try
        {
            if (!ReferenceEquals(current, snapshot) && snapshot is { } loaded && lifecycle.HasSignerAt(loaded.Keys, clock.GetUtcNow()))
            {
                return; // reloaded while this call waited
            }

            await ReloadAsync(rotate: true, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The background rotation: creates a key when one is due (safe with many instances), then reloads.</summary>
    public async Task RotateIfDueAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await ReloadAsync(rotate: true, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Every key not yet removed, revoked ones included, newest first, as the database has them now.</summary>
    public async Task<IReadOnlyList<SigningKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (keys, _) = await scope.ServiceProvider.GetRequiredService<ISigningKeyStore>().LoadAsync(clock.GetUtcNow(), cancellationToken);
        return [.. keys.OrderByDescending(k => k.Generation)];
    }

    /// <summary>"Rotate now": a new key signs at once and the keys before it retire now. Answers the new key.</summary>
    public async Task<SigningKeyRecord> RotateNowAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ISigningKeyStore>();
            var created = await CreateImmediateAsync(store, cancellationToken);
            await ReloadAsync(rotate: false, cancellationToken);
            invalidation.PublishKeysChanged();
            return created;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Revokes a key: it leaves the JWKS and validation at once. Revoking the signing key first makes a new one
    /// sign. Null when no such key exists (or it was removed already).
    /// </summary>
    public async Task<SigningKeyRecord?> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<ISigningKeyStore>();
            var now = clock.GetUtcNow();
            var (keys, _) = await store.LoadAsync(now, cancellationToken);
            var key = keys.FirstOrDefault(k => k.KeyId == keyId);
            if (key is null)
            {
                return null;
            }

            if (key.RevokedAt is null)
            {
                if (lifecycle.SignerAt(keys, now)?.KeyId == keyId)
                {
                    var replacement = await CreateImmediateAsync(store, cancellationToken);
                    await RecordCreatedAsync(scope, replacement, $"created to replace the revoked signing key {keyId}, signs now", cancellationToken);
                }

                await store.RevokeAsync(keyId, now, cancellationToken);
                Log.KeyRevoked(logger, keyId);

                // As stored now: the replacement retired it too.
                key = (await store.LoadAsync(now, cancellationToken)).Keys.FirstOrDefault(k => k.KeyId == keyId) ?? key;
                key.RevokedAt ??= now;
            }

            await ReloadAsync(rotate: false, cancellationToken);
            invalidation.PublishKeysChanged();
            return key;
        }
        finally
        {
            gate.Release();
        }
    }

    public override void ApplyTo(TokenValidationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.TryAllIssuerSigningKeys = false;
        parameters.IssuerSigningKeyResolver = (_, _, keyId, _) => Resolve(keyId);
    }

    public void Dispose()
    {
        subscription.Dispose();
        gate.Dispose();
    }

    /// <summary>
    /// A token that failed names a <c>kid</c> this instance does not hold: another instance may have just made that key
    /// ("rotate now", the successor of a revoked one) and its announcement is not here yet, or there is no Redis to
    /// send one. Reloads now, at most once per <see cref="UnknownKeyLoadInterval"/>, so that tokens with made-up key
    /// ids cannot make every request a database read; true when the key is held now.
    /// </summary>
    public override async ValueTask<bool> TryLoadKeyOfAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (KeyIdOf(token) is not { } keyId || snapshot is not { } current || current.Verification.ContainsKey(keyId))
        {
            return false; // no kid to look for, or the key is held: the token failed for another reason
        }

        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref lastUnknownKeyLoadTicks);
        if (now - last < UnknownKeyLoadInterval.Ticks || Interlocked.CompareExchange(ref lastUnknownKeyLoadTicks, now, last) != last)
        {
            return false;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            await ReloadAsync(rotate: false, cancellationToken);
        }
        finally
        {
            gate.Release();
        }

        return snapshot?.Verification.ContainsKey(keyId) == true;
    }

    /// <summary>How often a token naming an unknown key may make this instance reload its keys.</summary>
    public static readonly TimeSpan UnknownKeyLoadInterval = TimeSpan.FromSeconds(1);

    private static string? KeyIdOf(string token)
    {
        try
        {
            return new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Kid;
        }
        catch (ArgumentException)
        {
            return null; // not a JWT at all
        }
    }

    /// <summary>The key a token names by <c>kid</c>, if it verifies now; nothing otherwise (an unknown kid fails).</summary>
    internal IEnumerable<SecurityKey> Resolve(string? keyId)
    {
        var current = snapshot;
        if (keyId is null || current is null || !current.Verification.TryGetValue(keyId, out var entry) || !KeyLifecycle.Verifies(entry.Record, clock.GetUtcNow()))
        {
            return [];
        }

        return [entry.Key];
    }

    // Another instance rotated or revoked a key: reload now rather than at the next interval, so its revocation
    // takes effect here too (and KeyRevoked empties the validation cache).
    private async Task ReloadAnnouncedChangeAsync()
    {
        try
        {
            await gate.WaitAsync();
            try
            {
                await ReloadAsync(rotate: false, CancellationToken.None);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            Log.AnnouncedReloadFailed(logger, exception);
        }
    }

    private TimeSpan ReloadInterval => TimeSpan.FromSeconds(Math.Max(settings.SessionCheckSeconds, 1));

    private async Task<SigningKeyRecord> CreateImmediateAsync(ISigningKeyStore store, CancellationToken cancellationToken)
    {
        // Another instance may store the next generation between our read and our write: read again and retry.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = clock.GetUtcNow();
            var (keys, maxGeneration) = await store.LoadAsync(now, cancellationToken);
            var schedule = lifecycle.PlanImmediate(keys, maxGeneration, now);
            if (await TryCreateAsync(store, schedule, now, cancellationToken) is { } created)
            {
                return created;
            }
        }

        throw new InvalidOperationException("Could not store a new signing key: other instances kept creating keys at the same time.");
    }

    private async Task<SigningKeyRecord?> TryCreateAsync(ISigningKeyStore store, KeySchedule schedule, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (keyId, publicJwk, privateKey) = KeyMaterial.Create(settings.Algorithm);
        var key = new SigningKeyRecord
        {
            KeyId = keyId,
            Generation = schedule.Generation,
            Algorithm = settings.Algorithm,
            CreatedAt = now,
            ActivatesAt = schedule.ActivatesAt,
            RetiresAt = schedule.RetiresAt,
            RemovedAt = schedule.RemovedAt,
            PublicJwk = publicJwk,
            ProtectedPrivateKey = protector.Protect(privateKey),
        };
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(privateKey);
        if (!await store.TryAddAsync(key, schedule.Retirements, cancellationToken))
        {
            return null;
        }

        Log.KeyCreated(logger, keyId, key.Algorithm, key.ActivatesAt);
        return key;
    }

    private async Task ReloadAsync(bool rotate, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ISigningKeyStore>();
        var now = clock.GetUtcNow();
        var (keys, maxGeneration) = await store.LoadAsync(now, cancellationToken);
        if (rotate && lifecycle.PlanScheduled(keys, maxGeneration, now) is { } schedule)
        {
            // Losing the race to another instance is fine: its key is the one this reload then finds (and records).
            if (await TryCreateAsync(store, schedule, now, cancellationToken) is { } created)
            {
                var what = keys.Count == 0
                    ? "created as the first key, signs now"
                    : created.ActivatesAt <= now
                        ? "created because no key was signing, signs now"
                        : "created by the schedule, signs from " + created.ActivatesAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                await RecordCreatedAsync(scope, created, what, cancellationToken);
            }

            (keys, _) = await store.LoadAsync(now, cancellationToken);
        }

        var previous = snapshot;
        snapshot = Build(keys, previous, now);
        if (previous is not null)
        {
            foreach (var revoked in keys.Where(k => k.RevokedAt is not null && previous.Verification.ContainsKey(k.KeyId)))
            {
                KeyRevoked?.Invoke(revoked.KeyId);
            }
        }
    }

    private static Task RecordCreatedAsync(AsyncServiceScope scope, SigningKeyRecord key, string what, CancellationToken cancellationToken) =>
        scope.ServiceProvider.GetRequiredService<ISecurityEventLog>()
            .RecordAsync(SecurityEventTypes.KeyRotated, null, null, null, $"kid {key.KeyId}: {what}", cancellationToken);

    private Snapshot Build(IReadOnlyList<SigningKeyRecord> keys, Snapshot? previous, DateTimeOffset now)
    {
        var usable = keys.Where(k => k.Algorithm == settings.Algorithm && k.RevokedAt is null).ToList();

        // Keys already built are reused, so the token handler's per-key crypto caches survive a reload.
        var verification = usable.ToFrozenDictionary(
            k => k.KeyId,
            k => previous?.Verification.TryGetValue(k.KeyId, out var known) == true ? known with { Record = k } : new VerificationKey(k, KeyMaterial.PublicKey(k)),
            StringComparer.Ordinal);
        var signing = usable
            .Where(k => KeyLifecycle.StatusAt(k, now) is SigningKeyStatus.Active or SigningKeyStatus.Announced)
            .ToFrozenDictionary(
                k => k.KeyId,
                k => previous?.Signing.TryGetValue(k.KeyId, out var known) == true ? known : KeyMaterial.Signing(k, protector.Unprotect(k.ProtectedPrivateKey)),
                StringComparer.Ordinal);
        return new Snapshot(keys, verification, signing, now);
    }

    private sealed record VerificationKey(SigningKeyRecord Record, SecurityKey Key);

    private sealed record Snapshot(
        IReadOnlyList<SigningKeyRecord> Keys,
        FrozenDictionary<string, VerificationKey> Verification,
        FrozenDictionary<string, SigningCredentials> Signing,
        DateTimeOffset LoadedAt);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created signing key {KeyId} ({Algorithm}); it signs from {ActivatesAt:O}")]
        public static partial void KeyCreated(ILogger logger, string keyId, string algorithm, DateTimeOffset activatesAt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Signing key {KeyId} revoked")]
        public static partial void KeyRevoked(ILogger logger, string keyId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the key ring after another instance changed it failed; the next interval retries")]
        public static partial void AnnouncedReloadFailed(ILogger logger, Exception exception);
    }
}
