using System.Buffers.Text;
using System.Security.Cryptography;
using JwtMvc.Core.Security;

namespace JwtMvc.Core.Auth.TwoFactor;

/// <summary>
/// The second step of a sign-in for users with two-factor sign-in on. A right password yields an opaque
/// <c>mfaToken</c> (single use, bound to the user, <see cref="Lifetime"/>); the token plus an authenticator or
/// recovery code starts the session, with <c>amr</c> pwd, otp, mfa. Wrong codes count toward lockout. Outcomes are
/// recorded as security events, as the password step records its own.
/// </summary>
public sealed class SecondFactorSignIn(
    ITwoFactorStore store,
    IAuthChallengeStore challenges,
    CredentialCheckGate gate,
    IUserReader users,
    TwoFactorService twoFactor,
    TokenService tokens,
    ISecurityEventLog events,
    TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const int HandleBytes = 32;

    /// <summary>
    /// The <c>mfaToken</c> when the user must show a second factor; null when the password is enough. The token keeps
    /// <paramref name="stampHash"/>, the user's security stamp from before the password was checked: a change that must
    /// end the user's sign-ins (a password reset, say) before the second step voids it.
    /// </summary>
    public async Task<string?> BeginIfRequiredAsync(AuthUser user, string stampHash, CancellationToken cancellationToken)
    {
        var state = await store.GetStateAsync(user.Id, cancellationToken);
        if (state is not { Enabled: true })
        {
            return null;
        }

        var handle = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(HandleBytes));
        var now = clock.GetUtcNow();
        await challenges.CreateAsync(
            new AuthChallenge
            {
                Id = Guid.NewGuid(),
                HandleHash = TokenService.Hash(handle),
                Kind = AuthChallengeKinds.SecondFactor,
                UserId = user.Id,
                State = stampHash,
                CreatedAt = now,
                ExpiresAt = now + Lifetime,
            },
            cancellationToken);
        return handle;
    }

    /// <summary>Finishes the sign-in with an authenticator code or, failing that, a recovery code.</summary>
    public async Task<SignInOutcome> CompleteAsync(string? mfaToken, string? code, string? recoveryCode, ClientInfo client, CancellationToken cancellationToken)
    {
        if (mfaToken is not { Length: 43 } || !Base64Url.IsValid(mfaToken))
        {
            return SignInOutcome.InvalidCredentials;
        }

        var challenge = await challenges.FindActiveAsync(TokenService.Hash(mfaToken), AuthChallengeKinds.SecondFactor, clock.GetUtcNow(), cancellationToken);
        if (challenge?.UserId is not { } userId)
        {
            return SignInOutcome.InvalidCredentials;
        }

        // One check at a time per user on this instance: guesses sent at once each see the failures counted before it.
        SignInOutcome? refused;
        string? factor;
        using (await gate.EnterAsync(userId, cancellationToken))
        {
            (refused, factor) = await CheckAsync(challenge, userId, code, recoveryCode, client, cancellationToken);
        }

        if (refused is not null)
        {
            return refused;
        }

        // Consumed only now: a mistyped code does not cost the user their password step; lockout bounds the guesses.
        // A recovery code is used up only after that, by the one request that consumed the mfaToken: two requests
        // racing on one mfaToken with two codes must not cost the user both.
        if (!await challenges.TryConsumeAsync(challenge.Id, clock.GetUtcNow(), cancellationToken)
            || await users.FindByIdAsync(userId, cancellationToken) is not { } user)
        {
            return SignInOutcome.InvalidCredentials;
        }

        if (factor == SecondFactor.RecoveryCode && !await store.RedeemRecoveryCodeAsync(userId, RecoveryCodes.Hash(recoveryCode)!, cancellationToken))
        {
            await events.RecordAsync(SecurityEventTypes.SignInFailed, userId, user.UserName, client.IpAddress, "recovery code used meanwhile", cancellationToken);
            return SignInOutcome.InvalidCredentials;
        }

        await store.ResetFailuresAsync(userId, cancellationToken);
        var start = await tokens.StartSessionAsync(user, AuthenticationMethods.PasswordAndOtp, challenge.State!, client, cancellationToken);
        if (start.IsRefused)
        {
            await events.RecordAsync(SecurityEventTypes.SignInFailed, userId, user.UserName, client.IpAddress, start.Refusal, cancellationToken);
            return SignInOutcome.InvalidCredentials;
        }

        // The session is started: its record is not abandoned with the request.
        if (factor == SecondFactor.RecoveryCode)
        {
            await events.RecordAsync(SecurityEventTypes.TwoFactor, userId, user.UserName, client.IpAddress, TwoFactorEvents.RecoveryCodeUsed, CancellationToken.None);
        }

        await events.RecordAsync(SecurityEventTypes.SignIn, userId, user.UserName, client.IpAddress, "with " + factor, CancellationToken.None);
        return new SignInOutcome.SignedIn(start.Tokens);
    }

    /// <summary>The lockout, the account's stamp and the code: a refusal (its failure counted), or the factor that was right.</summary>
    private async Task<(SignInOutcome? Refused, string? Factor)> CheckAsync(
        AuthChallenge challenge, string userId, string? code, string? recoveryCode, ClientInfo client, CancellationToken cancellationToken)
    {
        if (await store.IsLockedOutAsync(userId, cancellationToken))
        {
            return (new SignInOutcome.LockedOut(null), null);
        }

        if (challenge.State is not { } stampHash || await users.FindStampHashAsync(userId, cancellationToken) != stampHash)
        {
            // Checked before a recovery code is used up; checked again once the session is stored.
            await events.RecordAsync(SecurityEventTypes.SignInFailed, userId, null, client.IpAddress, SignInFailures.UserChanged, cancellationToken);
            return (SignInOutcome.InvalidCredentials, null);
        }

        var state = await store.GetStateAsync(userId, cancellationToken);
        var factor = state is { Enabled: true } ? await CheckSecondFactorAsync(userId, state, code, recoveryCode, cancellationToken) : null;
        if (factor is null)
        {
            await events.RecordAsync(SecurityEventTypes.SignInFailed, userId, state?.UserName, client.IpAddress, "wrong second factor", cancellationToken);
            if (await store.RecordFailureAsync(userId, cancellationToken))
            {
                await events.RecordAsync(SecurityEventTypes.Lockout, userId, state?.UserName, client.IpAddress, "too many failed second factors", cancellationToken);
                return (new SignInOutcome.LockedOut(null), null);
            }

            return (SignInOutcome.InvalidCredentials, null);
        }

        return (null, factor);
    }

    /// <summary>The factor that was right, or null. A recovery code is only looked up here, not used up.</summary>
    private async Task<string?> CheckSecondFactorAsync(string userId, TwoFactorState state, string? code, string? recoveryCode, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(code))
        {
            return state.AuthenticatorKey is not null && await twoFactor.VerifyTotpAsync(userId, state.AuthenticatorKey, code, cancellationToken)
                ? SecondFactor.AuthenticatorCode
                : null;
        }

        return RecoveryCodes.Hash(recoveryCode) is { } hash && await store.HasRecoveryCodeAsync(userId, hash, cancellationToken)
            ? SecondFactor.RecoveryCode
            : null;
    }

    private static class SecondFactor
    {
        public const string AuthenticatorCode = "authenticator code";
        public const string RecoveryCode = "recovery code";
    }
}
