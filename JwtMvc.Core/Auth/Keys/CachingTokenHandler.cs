using System.Collections.Concurrent;
using JwtMvc.Core.Concurrency;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth.Keys;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that remembers the tokens it found valid until their <c>exp</c>, so a
/// token presented again costs a dictionary lookup instead of an ECDSA verification. Bounded in size; a revoked
/// key's entries go at once (<see cref="KeyRing.KeyRevoked"/>). Only the signature and claims checks are
/// cached: the session check runs on every request after this.
/// </summary>
public sealed class CachingTokenHandler : JsonWebTokenHandler
{
    public const int DefaultCapacity = 10_000;

    // Keyed by the token itself: it is in memory for the request anyway, and a hash would cost what it saves.
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;
    private readonly int capacity;
    private readonly KeyRing ring;
    private readonly SweepSchedule sweeps = new(SweepInterval);
    private long revocations;

    public CachingTokenHandler(KeyRing ring, TimeProvider clock, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(ring);
        this.clock = clock;
        this.capacity = capacity;
        this.ring = ring;
        MapInboundClaims = false;
        ring.KeyRevoked += Evict;
    }

    /// <summary>How long a full cache waits between two sweeps for expired entries.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    public int Count => entries.Count;

    /// <summary>How many times a full cache has been walked for expired entries.</summary>
    internal long Sweeps => sweeps.Sweeps;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = clock.GetUtcNow();
        if (entries.TryGetValue(token, out var hit))
        {
            if (now < hit.ExpiresAt)
            {
                return Copy(hit.Result);
            }

            entries.TryRemove(token, out _);
        }

        // Before the validation: it may find its key in the ring as it was before a revocation that lands meanwhile.
        var revocationsBefore = Interlocked.Read(ref revocations);
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (!result.IsValid && await ring.TryLoadKeyOfAsync(token, CancellationToken.None))
        {
            result = await base.ValidateTokenAsync(token, validationParameters); // signed by a key made elsewhere just now
        }

        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.Kid is { } keyId)
        {
            Remember(token, new Entry(keyId, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), result), now, revocationsBefore);
        }

        return result;
    }

    private void Remember(string token, Entry entry, DateTimeOffset now, long revocationsBefore)
    {
        if (Interlocked.Read(ref revocations) != revocationsBefore)
        {
            return; // a key was revoked while this token was being validated: it may have been this one's
        }

        if (entries.Count >= capacity && (!TrySweepExpired(now) || entries.Count >= capacity))
        {
            return; // full of live tokens: validate the rest every time rather than grow
        }

        entries[token] = entry;

        // A revocation between the check above and the write has already swept the entries: take this one out again.
        if (Interlocked.Read(ref revocations) != revocationsBefore)
        {
            entries.TryRemove(KeyValuePair.Create(token, entry));
        }
    }

    /// <summary>Takes out the expired entries, at most once per <see cref="SweepInterval"/> (<see cref="SweepSchedule"/>).</summary>
    private bool TrySweepExpired(DateTimeOffset now)
    {
        if (!sweeps.TryStart(now))
        {
            return false;
        }

        foreach (var (key, value) in entries)
        {
            if (now >= value.ExpiresAt)
            {
                entries.TryRemove(key, out _);
            }
        }

        return true;
    }

    private void Evict(string keyId)
    {
        Interlocked.Increment(ref revocations);
        foreach (var (key, value) in entries)
        {
            if (value.KeyId == keyId)
            {
                entries.TryRemove(key, out _);
            }
        }
    }

    // Each request gets its own identity: later code may add claims to it.
    private static TokenValidationResult Copy(TokenValidationResult cached) => new()
    {
        IsValid = true,
        ClaimsIdentity = cached.ClaimsIdentity.Clone(),
        SecurityToken = cached.SecurityToken,
        Issuer = cached.Issuer,
        TokenType = cached.TokenType,
    };

    private sealed record Entry(string KeyId, DateTimeOffset ExpiresAt, TokenValidationResult Result);
}
