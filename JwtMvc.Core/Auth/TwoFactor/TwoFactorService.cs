using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Security;

namespace JwtMvc.Core.Auth.TwoFactor;

/// <summary>
/// Enrolment in two-factor sign-in with an authenticator app (RFC 6238), and the check of its codes: each code is
/// accepted once, and only within one time step of now. Every change is recorded as a
/// <see cref="SecurityEventTypes.TwoFactor"/> security event.
/// </summary>
public sealed class TwoFactorService(ITwoFactorStore store, IPasskeyStore passkeys, SessionService sessions, ISecurityEventLog events, TimeProvider clock)
{
    public const string Issuer = "JwtMvc";

    public async Task<TwoFactorStatus?> GetStatusAsync(string userId, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(userId, cancellationToken);
        return state is null ? null : new TwoFactorStatus(state.Enabled, state.Enabled ? state.RecoveryCodesLeft : 0);
    }

    /// <summary>A new authenticator key for the app to scan; null once two-factor sign-in is on (disable it first).</summary>
    public async Task<AuthenticatorSetup?> BeginEnrolmentAsync(string userId, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(userId, cancellationToken);
        if (state is null || state.Enabled)
        {
            return null;
        }

        var key = await store.ResetAuthenticatorKeyAsync(userId, cancellationToken);
        return new AuthenticatorSetup(FormatKey(key), AuthenticatorUri(state.UserName, key));
    }

    /// <summary>Turns two-factor sign-in on when <paramref name="code"/> comes from the key being enrolled; returns the first recovery codes.</summary>
    public async Task<TwoFactorChange> EnableAsync(string userId, Guid currentSessionId, string code, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(userId, cancellationToken);
        if (state is null || state.Enabled || state.AuthenticatorKey is null)
        {
            return TwoFactorChange.NotAllowed;
        }

        if (!await VerifyTotpAsync(userId, state.AuthenticatorKey, code, cancellationToken))
        {
            return TwoFactorChange.InvalidCode;
        }

        var codes = RecoveryCodes.Generate();
        if (!await store.EnableAsync(userId, state.AuthenticatorKey, HashAll(codes), cancellationToken))
        {
            return TwoFactorChange.NotAllowed; // turned on meanwhile, or a new key was made after this code's was shown
        }

        // Committed. Sessions started with the password alone would otherwise outlive the new requirement: the
        // revocation first, and nothing after it is abandoned with the request.
        await sessions.RevokeAllAsync(userId, SessionRevocationReasons.TwoFactorChanged, currentSessionId);
        await RecordAsync(userId, state.UserName, TwoFactorEvents.Enabled, CancellationToken.None);
        return new TwoFactorChange.Done(codes);
    }

    public async Task<TwoFactorChange> RegenerateRecoveryCodesAsync(string userId, string password, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(userId, cancellationToken);
        if (state is null || !state.Enabled)
        {
            return TwoFactorChange.NotAllowed;
        }

        switch (await store.CheckPasswordAsync(userId, password, cancellationToken))
        {
            case SecondFactorCheck.LockedOut:
                return TwoFactorChange.LockedOut;
            case SecondFactorCheck.Failed:
                return TwoFactorChange.WrongPassword;
        }

        var codes = RecoveryCodes.Generate();
        await store.ReplaceRecoveryCodesAsync(userId, HashAll(codes), cancellationToken);
        await RecordAsync(userId, state.UserName, TwoFactorEvents.RecoveryCodesRegenerated, cancellationToken);
        return new TwoFactorChange.Done(codes);
    }

    public async Task<TwoFactorChange> DisableAsync(string userId, string password, CancellationToken cancellationToken)
    {
        switch (await store.CheckPasswordAsync(userId, password, cancellationToken))
        {
            case SecondFactorCheck.LockedOut:
                return TwoFactorChange.LockedOut;
            case SecondFactorCheck.Failed:
                return TwoFactorChange.WrongPassword;
        }

        var state = await store.GetStateAsync(userId, cancellationToken);
        await store.DisableAsync(userId, cancellationToken);
        if (state is { Enabled: true })
        {
            await RecordAsync(userId, state.UserName, TwoFactorEvents.Disabled, cancellationToken);
        }

        return new TwoFactorChange.Done([]);
    }

    /// <summary>
    /// Removes every second factor of the user, whatever they are: the one place an admin's "reset 2FA" takes them
    /// away: the authenticator app (its key, the recovery codes) and every passkey. Ending the user's sessions, and then
    /// recording what went (<see cref="RecordRemovalAsync"/>), is the caller's part. Null when the user does not exist.
    /// </summary>
    public async Task<SecondFactorsRemoved?> RemoveSecondFactorsAsync(string userId, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(userId, cancellationToken);
        if (state is null)
        {
            return null;
        }

        // The passkeys go before the stamp is renewed: a passkey sign-in that reads the renewed stamp can no longer
        // find one, and one that read the old stamp is refused when it compares it again (TokenService.StartSessionAsync).
        // Once the removal starts, nothing is abandoned with the request: the caller ends the sessions next.
        var removedPasskeys = await passkeys.RemoveAllAsync(userId, CancellationToken.None);
        await store.DisableAsync(userId, CancellationToken.None);
        return new SecondFactorsRemoved(state.UserName, state.Enabled, removedPasskeys);
    }

    /// <summary>Records what <see cref="RemoveSecondFactorsAsync"/> removed, once the user's sessions have ended.</summary>
    /// <param name="removedBy">Who asked: the admin's user name.</param>
    public async Task RecordRemovalAsync(string userId, SecondFactorsRemoved removed, string removedBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(removed);
        ArgumentNullException.ThrowIfNull(removedBy);
        await RecordAsync(userId, removed.UserName, $"{TwoFactorEvents.ResetByAdmin} {removedBy}; authenticator {(removed.AuthenticatorWasOn ? "removed" : "was off")}", cancellationToken);
        if (removed.Passkeys > 0)
        {
            await events.RecordAsync(SecurityEventTypes.Passkey, userId, removed.UserName, null,
                $"{removed.Passkeys} passkey{(removed.Passkeys == 1 ? "" : "s")} removed by admin {removedBy}", cancellationToken);
        }
    }

    /// <summary>
    /// Checks an authenticator code against <paramref name="base32Key"/>: within one step of now, and later than the
    /// last accepted step, which it then becomes (so a code, even inside its window, works once).
    /// </summary>
    public async Task<bool> VerifyTotpAsync(string userId, string base32Key, string? code, CancellationToken cancellationToken)
    {
        if (!Totp.IsWellFormed(code) || Base32.Decode(base32Key) is not { Length: > 0 } key)
        {
            return false;
        }

        return Totp.Match(key, code, clock.GetUtcNow()) is { } step
            && await store.TryAcceptTimeStepAsync(userId, step, cancellationToken);
    }

    public static string AuthenticatorUri(string userName, string base32Key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(userName)}" +
        $"?secret={base32Key}&issuer={Uri.EscapeDataString(Issuer)}&digits={Totp.Digits}&period={Totp.StepSeconds}";

    // Groups of four are easier to type into an app than 32 characters in one run.
    private static string FormatKey(string key) =>
        string.Join(' ', Enumerable.Range(0, (key.Length + 3) / 4).Select(i => key.Substring(i * 4, Math.Min(4, key.Length - (i * 4))).ToLowerInvariant()));

    private Task RecordAsync(string userId, string userName, string detail, CancellationToken cancellationToken) =>
        events.RecordAsync(SecurityEventTypes.TwoFactor, userId, userName, null, detail, cancellationToken);

    private static string[] HashAll(IReadOnlyList<string> codes) => [.. codes.Select(c => RecoveryCodes.Hash(c)!)];
}

/// <summary>The details of <see cref="SecurityEventTypes.TwoFactor"/> events: what happened, never a code or key.</summary>
public static class TwoFactorEvents
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string RecoveryCodesRegenerated = "recovery codes regenerated";
    public const string RecoveryCodeUsed = "recovery code used to sign in";

    /// <summary>Followed by the admin's user name and what was removed.</summary>
    public const string ResetByAdmin = "reset by admin";
}

public sealed record TwoFactorStatus(bool Enabled, int RecoveryCodesLeft);

/// <param name="SharedKey">The key as the user types it into an app: base32 in groups of four.</param>
public sealed record AuthenticatorSetup(string SharedKey, string AuthenticatorUri);

public abstract record TwoFactorChange
{
    public static readonly TwoFactorChange NotAllowed = new Refused(nameof(NotAllowed));
    public static readonly TwoFactorChange InvalidCode = new Refused(nameof(InvalidCode));
    public static readonly TwoFactorChange WrongPassword = new Refused(nameof(WrongPassword));
    public static readonly TwoFactorChange LockedOut = new Refused(nameof(LockedOut));

    private TwoFactorChange()
    {
    }

    /// <param name="RecoveryCodes">New recovery codes to show once; empty when there are none.</param>
    public sealed record Done(IReadOnlyList<string> RecoveryCodes) : TwoFactorChange;

    public sealed record Refused(string Reason) : TwoFactorChange;
}

/// <summary>What an admin's "reset 2FA" removed: whether the authenticator app was on, and how many passkeys went.</summary>
public sealed record SecondFactorsRemoved(string UserName, bool AuthenticatorWasOn, int Passkeys);
