namespace JwtMvc.Core.Auth.TwoFactor;

/// <summary>
/// A short-lived, single-use server-side state: the pending second step of a sign-in (<c>mfaToken</c>) or a WebAuthn
/// ceremony. The client holds a random handle; only its SHA-256 hash is stored, so every instance sharing the
/// database can finish what another started.
/// </summary>
public sealed class AuthChallenge
{
    public Guid Id { get; init; }

    /// <summary>Lower-case hex SHA-256 of the handle given to the client.</summary>
    public required string HandleHash { get; init; }

    public required string Kind { get; init; }

    /// <summary>The user it is bound to; null for an anonymous passkey sign-in.</summary>
    public string? UserId { get; init; }

    /// <summary>What the ceremony needs to finish (e.g. the WebAuthn state); never a secret of the user.</summary>
    public string? State { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? UsedAt { get; set; }
}

public static class AuthChallengeRules
{
    /// <summary>Unused challenges a user may have of each kind (a few tabs or devices at once); a new one retires the oldest.</summary>
    public const int MaxPendingPerUser = 5;
}

public static class AuthChallengeKinds
{
    public const string SecondFactor = "mfa";
    public const string PasskeyRequest = "passkey-request";
    public const string PasskeyCreation = "passkey-creation";
}

/// <summary>Persistence of <see cref="AuthChallenge"/>s. Implemented in JwtMvc.Data.</summary>
public interface IAuthChallengeStore
{
    /// <summary>
    /// Stores the challenge. One bound to a user retires that user's oldest unused challenges of its kind beyond
    /// <see cref="AuthChallengeRules.MaxPendingPerUser"/>, however often the options are asked for.
    /// </summary>
    Task CreateAsync(AuthChallenge challenge, CancellationToken cancellationToken);

    /// <summary>The unused, unexpired challenge of that kind with that handle hash, or null.</summary>
    Task<AuthChallenge?> FindActiveAsync(string handleHash, string kind, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks the challenge used, atomically: of concurrent calls exactly one gets true, and none after it expired.</summary>
    Task<bool> TryConsumeAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);
}
