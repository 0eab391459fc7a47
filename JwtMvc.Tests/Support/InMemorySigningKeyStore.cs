using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Core.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace JwtMvc.Tests.Support;

/// <summary>The key store's contract in memory (the generation is unique, as the database makes it), for unit tests of the ring.</summary>
internal sealed class InMemorySigningKeyStore : ISigningKeyStore
{
    private readonly Lock sync = new();
    private readonly List<SigningKeyRecord> keys = [];
    private int loads;

    public IReadOnlyList<SigningKeyRecord> All
    {
        get
        {
            lock (sync)
            {
                return [.. keys.Select(Copy)];
            }
        }
    }

    /// <summary>How many times a ring has loaded the keys.</summary>
    public int Loads => Volatile.Read(ref loads);

    public Task<(IReadOnlyList<SigningKeyRecord> Keys, int MaxGeneration)> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref loads);
        lock (sync)
        {
            IReadOnlyList<SigningKeyRecord> live = [.. keys.Where(k => k.RemovedAt > now).Select(Copy)];
            return Task.FromResult((live, keys.Count == 0 ? 0 : keys.Max(k => k.Generation)));
        }
    }

    public Task<bool> TryAddAsync(SigningKeyRecord key, IReadOnlyList<KeyRetirement> retirements, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            if (keys.Any(k => k.Generation == key.Generation || k.KeyId == key.KeyId))
            {
                return Task.FromResult(false);
            }

            foreach (var retirement in retirements)
            {
                var stored = keys.Single(k => k.KeyId == retirement.KeyId);
                stored.RetiresAt = retirement.RetiresAt;
                stored.RemovedAt = retirement.RemovedAt;
            }

            keys.Add(Copy(key));
            return Task.FromResult(true);
        }
    }

    public Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        lock (sync)
        {
            var key = keys.SingleOrDefault(k => k.KeyId == keyId && k.RevokedAt is null);
            key?.RevokedAt = revokedAt;
            return Task.FromResult(key is not null);
        }
    }

    /// <summary>The security events the rings over this store recorded.</summary>
    public RecordingSecurityEventLog Events { get; } = new();

    /// <summary>A key ring over this store, with a pass-through protector and the given clock.</summary>
    public KeyRing CreateRing(JwtOptions options, FakeTimeProvider clock)
    {
        var services = new ServiceCollection().AddSingleton<ISigningKeyStore>(this).AddSingleton<ISecurityEventLog>(Events).BuildServiceProvider();
        return new KeyRing(Options.Create(options), services.GetRequiredService<IServiceScopeFactory>(), new PlainProtector(), clock, NullLogger<KeyRing>.Instance);
    }

    private static SigningKeyRecord Copy(SigningKeyRecord k) => new()
    {
        KeyId = k.KeyId,
        Generation = k.Generation,
        Algorithm = k.Algorithm,
        CreatedAt = k.CreatedAt,
        ActivatesAt = k.ActivatesAt,
        RetiresAt = k.RetiresAt,
        RemovedAt = k.RemovedAt,
        RevokedAt = k.RevokedAt,
        PublicJwk = k.PublicJwk,
        ProtectedPrivateKey = k.ProtectedPrivateKey,
    };

    private sealed class PlainProtector : IPrivateKeyProtector
    {
        public string Protect(byte[] privateKey) => Convert.ToBase64String(privateKey);

        public byte[] Unprotect(string protectedKey) => Convert.FromBase64String(protectedKey);
    }
}
