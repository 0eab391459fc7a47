namespace JwtMvc.Core.Auth.TwoFactor;

/// <summary>A user's authenticator key, recovery codes and lockout, over Identity's stores. Implemented in JwtMvc.Data.</summary>
public interface ITwoFactorStore
{
    /// <summary>Null when the user does not exist.</summary>
    Task<TwoFactorState?> GetStateAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Replaces the authenticator key with a new random one (base32) and returns it.</summary>
    Task<string> ResetAuthenticatorKeyAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="timeStep"/> as the user's last accepted authenticator time step, atomically and only if it
    /// is later than the stored one: of two requests presenting one code, exactly one gets true.
    /// </summary>
    Task<bool> TryAcceptTimeStepAsync(string userId, long timeStep, CancellationToken cancellationToken);

    /// <summary>
    /// Turns two-factor sign-in on and stores the hashes of the first recovery codes, if it is still off and the
    /// stored authenticator key is still <paramref name="authenticatorKey"/> (the one the enrolment code was checked
    /// against); false, changing nothing, when not.
    /// </summary>
    Task<bool> EnableAsync(string userId, string? authenticatorKey, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken);

    /// <summary>Replaces the recovery codes (hashes); the old ones stop working.</summary>
    Task ReplaceRecoveryCodesAsync(string userId, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken);

    /// <summary>True when the hash is one of the user's unused recovery codes. Reads only: nothing is used up.</summary>
    Task<bool> HasRecoveryCodeAsync(string userId, string recoveryCodeHash, CancellationToken cancellationToken);

    /// <summary>Uses up the recovery code with this hash; false when it is not one of the user's unused codes.</summary>
    Task<bool> RedeemRecoveryCodeAsync(string userId, string recoveryCodeHash, CancellationToken cancellationToken);

    /// <summary>
    /// Turns two-factor sign-in off and forgets the key and the recovery codes. The last accepted time step stays:
    /// it only ever moves forward, so no code accepted before can be accepted again.
    /// </summary>
    Task DisableAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Checks the user's password; a wrong one counts toward lockout as a failed sign-in does.</summary>
    Task<SecondFactorCheck> CheckPasswordAsync(string userId, string password, CancellationToken cancellationToken);

    Task<bool> IsLockedOutAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// True when <c>Accounts:RequireConfirmedEmail</c> is on and the user's email is not confirmed (or there is no
    /// such user): a sign-in without a password must be refused as the password sign-in is.
    /// </summary>
    Task<bool> NeedsEmailConfirmationAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Counts a wrong second factor toward lockout; true when the user is now locked out.</summary>
    Task<bool> RecordFailureAsync(string userId, CancellationToken cancellationToken);

    Task ResetFailuresAsync(string userId, CancellationToken cancellationToken);
}

/// <param name="AuthenticatorKey">Base32, null when none was ever made.</param>
public sealed record TwoFactorState(string UserName, bool Enabled, string? AuthenticatorKey, int RecoveryCodesLeft);

public enum SecondFactorCheck
{
    Success,
    Failed,
    LockedOut,
}
