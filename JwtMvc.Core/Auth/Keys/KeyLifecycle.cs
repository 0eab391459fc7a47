namespace JwtMvc.Core.Auth.Keys;

/// <summary>
/// The rules of the key ring, as pure functions of the keys and the time: announced -> active -> retired ->
/// removed, revoked at any time; exactly one key signs, the newest active one.
/// </summary>
public sealed class KeyLifecycle(JwtOptions options)
{
    private readonly JwtOptions settings = options ?? throw new ArgumentNullException(nameof(options));

    public static SigningKeyStatus StatusAt(SigningKeyRecord key, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key switch
        {
            { RevokedAt: not null } => SigningKeyStatus.Revoked,
            _ when now >= key.RemovedAt => SigningKeyStatus.Removed,
            _ when now >= key.RetiresAt => SigningKeyStatus.Retired,
            _ when now >= key.ActivatesAt => SigningKeyStatus.Active,
            _ => SigningKeyStatus.Announced,
        };
    }

    /// <summary>Announced, active and retired keys verify (and are published); removed and revoked ones do not.</summary>
    public static bool Verifies(SigningKeyRecord key, DateTimeOffset now) =>
        StatusAt(key, now) is SigningKeyStatus.Announced or SigningKeyStatus.Active or SigningKeyStatus.Retired;

    /// <summary>The key that signs at <paramref name="now"/>: the newest active one of the configured algorithm.</summary>
    public SigningKeyRecord? SignerAt(IEnumerable<SigningKeyRecord> keys, DateTimeOffset now) =>
        keys.Where(k => Signs(k, now))
            .OrderByDescending(k => k.ActivatesAt)
            .ThenByDescending(k => k.Generation)
            .FirstOrDefault();

    /// <summary>
    /// Whether any key signs at <paramref name="now"/> (<see cref="SignerAt"/> is not null), without allocating: every
    /// request with a token asks it (<see cref="KeyRing.EnsureFreshAsync"/>).
    /// </summary>
    public bool HasSignerAt(IReadOnlyList<SigningKeyRecord> keys, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        for (var i = 0; i < keys.Count; i++)
        {
            if (Signs(keys[i], now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What the background rotation should create now, if anything: the very first key (signing at once), a key
    /// that signs at once when none is active, or the successor of the signing key, announced
    /// <c>Jwt:KeyRing:AnnounceHours</c> before it takes over.
    /// </summary>
    public KeySchedule? PlanScheduled(IReadOnlyCollection<SigningKeyRecord> keys, int maxGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var signer = SignerAt(keys, now);
        if (signer is null)
        {
            return Immediate(maxGeneration, now, []);
        }

        var successorAnnounced = keys.Any(k =>
            k.Algorithm == settings.Algorithm && k.Generation > signer.Generation && StatusAt(k, now) == SigningKeyStatus.Announced);
        if (successorAnnounced || now < signer.RetiresAt - settings.KeyRing.AnnounceLead)
        {
            return null;
        }

        // Announced a full lead before it signs; if the rotation ran late, the current key signs a little longer.
        var activatesAt = Max(signer.RetiresAt, now + settings.KeyRing.AnnounceLead);
        return new KeySchedule(
            maxGeneration + 1,
            activatesAt,
            activatesAt + settings.KeyRing.RotationPeriod,
            activatesAt + settings.KeyRing.RotationPeriod + settings.LongestTokenLife,
            [new KeyRetirement(signer.KeyId, activatesAt, activatesAt + settings.LongestTokenLife)]);
    }

    /// <summary>
    /// "Rotate now" (and the first step of revoking the signing key): a new key signs at once; every active or
    /// announced key retires now and verifies until the tokens it may have signed have expired.
    /// </summary>
    public KeySchedule PlanImmediate(IReadOnlyCollection<SigningKeyRecord> keys, int maxGeneration, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var retirements = keys
            .Where(k => StatusAt(k, now) is SigningKeyStatus.Active or SigningKeyStatus.Announced)
            .Select(k => new KeyRetirement(k.KeyId, now, now + settings.LongestTokenLife))
            .ToList();
        return Immediate(maxGeneration, now, retirements);
    }

    private KeySchedule Immediate(int maxGeneration, DateTimeOffset now, IReadOnlyList<KeyRetirement> retirements) => new(
        maxGeneration + 1,
        now,
        now + settings.KeyRing.RotationPeriod,
        now + settings.KeyRing.RotationPeriod + settings.LongestTokenLife,
        retirements);

    private bool Signs(SigningKeyRecord key, DateTimeOffset now) => key.Algorithm == settings.Algorithm && StatusAt(key, now) == SigningKeyStatus.Active;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>When a new key signs, retires and is removed, and what happens to the keys it replaces.</summary>
public sealed record KeySchedule(
    int Generation,
    DateTimeOffset ActivatesAt,
    DateTimeOffset RetiresAt,
    DateTimeOffset RemovedAt,
    IReadOnlyList<KeyRetirement> Retirements);
