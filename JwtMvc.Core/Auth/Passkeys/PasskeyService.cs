using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Security;
using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Auth.Passkeys;

/// <summary>
/// Passkeys: username-less sign-in (amr <c>hwk</c>, plus <c>mfa</c> when the authenticator verified the user; no
/// second factor) and the signed-in user's own passkeys. Each ceremony's state is kept server-side as an
/// <see cref="AuthChallenge"/> found by the challenge the browser signs, used once and within <see cref="CeremonyLifetime"/>,
/// so a replayed or foreign answer finds nothing.
/// </summary>
public sealed class PasskeyService(
    IPasskeyStore passkeys,
    IAuthChallengeStore challenges,
    IUserReader users,
    ITwoFactorStore accounts,
    TokenService tokens,
    JwtMvcMetrics metrics,
    ISecurityEventLog events,
    TimeProvider clock)
{
    public static readonly TimeSpan CeremonyLifetime = TimeSpan.FromMinutes(5);

    public const int MaxNameLength = 64;

    /// <summary>Passkeys one account may hold (the limit ASP.NET Core Identity's own account pages use).</summary>
    public const int MaxPasskeysPerUser = 100;

    /// <summary>Request options JSON for <c>navigator.credentials.get()</c>.</summary>
    public async Task<string> BeginSignInAsync(CancellationToken cancellationToken)
    {
        var start = await passkeys.BeginSignInAsync(cancellationToken);
        await RememberAsync(start, AuthChallengeKinds.PasskeyRequest, null, cancellationToken);
        return start.OptionsJson;
    }

    /// <summary>Finishes a passkey sign-in; anything but a fresh, genuine answer to one of this server's requests is <see cref="SignInOutcome.Invalid"/>.</summary>
    public async Task<SignInOutcome> SignInAsync(string? credentialJson, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var activity = JwtMvcMetrics.ActivitySource.StartActivity("jwtmvc.passkey_sign_in");
        var ceremony = await TakeCeremonyAsync(credentialJson, AuthChallengeKinds.PasskeyRequest, cancellationToken);
        if (ceremony?.State is not { } state)
        {
            return await FailedAsync(null, "passkey: unknown, used or expired ceremony", client, cancellationToken);
        }

        var verification = await passkeys.VerifySignInAsync(credentialJson!, state, clock.GetUtcNow(), cancellationToken);
        if (verification is not PasskeyVerification.Verified verified)
        {
            return await FailedAsync(null, "passkey: " + ((PasskeyVerification.Refused)verification).Reason, client, cancellationToken);
        }

        if (await accounts.IsLockedOutAsync(verified.UserId, cancellationToken))
        {
            metrics.Login(LoginResult.Locked);
            await events.RecordAsync(SecurityEventTypes.SignInFailed, verified.UserId, null, client.IpAddress, "passkey: account locked", cancellationToken);
            return new SignInOutcome.LockedOut(null);
        }

        if (await accounts.NeedsEmailConfirmationAsync(verified.UserId, cancellationToken))
        {
            metrics.Login(LoginResult.Failure);
            await events.RecordAsync(SecurityEventTypes.SignInFailed, verified.UserId, null, client.IpAddress, "passkey: email not confirmed", cancellationToken);
            activity?.SetTag("jwtmvc.result", "email_not_confirmed");
            return new SignInOutcome.EmailNotConfirmed();
        }

        if (await users.FindByIdAsync(verified.UserId, cancellationToken) is not { } user)
        {
            return await FailedAsync(verified.UserId, "passkey: no such user", client, cancellationToken);
        }

        // The stamp of the record the checks above read: a change that commits after them still ends this sign-in.
        var start = await tokens.StartSessionAsync(user, AuthenticationMethods.Passkey(verified.UserVerified), verified.StampHash, client, cancellationToken);
        if (start.IsRefused)
        {
            return await FailedAsync(verified.UserId, "passkey: " + start.Refusal, client, cancellationToken);
        }

        // The session is started: its record is not abandoned with the request.
        metrics.Login(LoginResult.Success);
        await events.RecordAsync(SecurityEventTypes.Passkey, user.Id, user.UserName, client.IpAddress, $"signed in with passkey '{verified.Passkey.Name}'", CancellationToken.None);
        activity?.SetTag("jwtmvc.result", "success");
        return new SignInOutcome.SignedIn(start.Tokens);
    }

    /// <summary>
    /// Creation options JSON for <c>navigator.credentials.create()</c>. A user who already holds
    /// <see cref="MaxPasskeysPerUser"/> passkeys gets no ceremony: the authenticator would keep a credential this server
    /// then refuses to store.
    /// </summary>
    public async Task<PasskeyCreationOptions> BeginRegistrationAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if ((await passkeys.ListAsync(userId, cancellationToken)).Count >= MaxPasskeysPerUser)
        {
            return PasskeyCreationOptions.LimitReached;
        }

        if (await passkeys.BeginRegistrationAsync(userId, cancellationToken) is not { } start)
        {
            return PasskeyCreationOptions.NotFound;
        }

        await RememberAsync(start, AuthChallengeKinds.PasskeyCreation, userId, cancellationToken);
        return new PasskeyCreationOptions.Ready(start.OptionsJson);
    }

    /// <summary>Adds the passkey a browser created for the options of <see cref="BeginRegistrationAsync"/>, under <paramref name="name"/>.</summary>
    public async Task<PasskeyChange> RegisterAsync(string userId, string? credentialJson, string? name, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(client);
        if (NameError(name) is { } error)
        {
            return new PasskeyChange.Invalid(error);
        }

        var ceremony = await TakeCeremonyAsync(credentialJson, AuthChallengeKinds.PasskeyCreation, cancellationToken, userId);
        if (ceremony?.State is not { } state)
        {
            return PasskeyChange.CredentialRefused;
        }

        var registration = await passkeys.RegisterAsync(userId, credentialJson!, state, name!.Trim(), MaxPasskeysPerUser, clock.GetUtcNow(), cancellationToken);
        if (registration is PasskeyRegistration.LimitReached)
        {
            return PasskeyChange.LimitReached;
        }

        if (registration is not PasskeyRegistration.Registered registered)
        {
            return PasskeyChange.CredentialRefused;
        }

        await RecordAsync(userId, $"registered passkey '{registered.Passkey.Name}'", client, cancellationToken);
        return new PasskeyChange.Done(registered.Passkey);
    }

    public Task<IReadOnlyList<PasskeyInfo>> ListAsync(string userId, CancellationToken cancellationToken) => passkeys.ListAsync(userId, cancellationToken);

    public async Task<PasskeyChange> RenameAsync(string userId, string passkeyId, string? name, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (NameError(name) is { } error)
        {
            return new PasskeyChange.Invalid(error);
        }

        if (await passkeys.RenameAsync(userId, passkeyId, name!.Trim(), cancellationToken) is not { } renamed)
        {
            return PasskeyChange.NotFound;
        }

        await RecordAsync(userId, $"renamed passkey to '{renamed.Name}'", client, cancellationToken);
        return new PasskeyChange.Done(renamed);
    }

    public async Task<PasskeyChange> RemoveAsync(string userId, string passkeyId, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (await passkeys.RemoveAsync(userId, passkeyId, cancellationToken) is not { } removed)
        {
            return PasskeyChange.NotFound;
        }

        await RecordAsync(userId, $"removed passkey '{removed.Name}'", client, cancellationToken);
        return new PasskeyChange.Done(removed);
    }

    /// <summary>Null when the name is acceptable: one to <see cref="MaxNameLength"/> characters after trimming, no control characters.</summary>
    public static ValidationError? NameError(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return new ValidationError("name", "NameRequired", "Give the passkey a name, e.g. the device it is on.");
        }

        return trimmed.Length > MaxNameLength || trimmed.Any(char.IsControl)
            ? new ValidationError("name", "NameInvalid", $"A passkey name is at most {MaxNameLength} characters, without line breaks or control characters.")
            : null;
    }

    private async Task RememberAsync(PasskeyCeremonyStart start, string kind, string? userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await challenges.CreateAsync(
            new AuthChallenge
            {
                Id = Guid.NewGuid(),
                HandleHash = TokenService.Hash(start.Challenge),
                Kind = kind,
                UserId = userId,
                State = start.State,
                CreatedAt = now,
                ExpiresAt = now + CeremonyLifetime,
            },
            cancellationToken);
    }

    /// <summary>
    /// The ceremony the credential answers, used up; null when the credential is malformed, or answers no live ceremony
    /// of this kind (and, for a registration, of this user). Used up before the credential is verified: of two
    /// submissions of one answer, at most one is even looked at.
    /// </summary>
    private async Task<AuthChallenge?> TakeCeremonyAsync(string? credentialJson, string kind, CancellationToken cancellationToken, string? userId = null)
    {
        if (PasskeyCredentialJson.ReadChallenge(credentialJson) is not { } challenge)
        {
            return null;
        }

        var ceremony = await challenges.FindActiveAsync(TokenService.Hash(challenge), kind, clock.GetUtcNow(), cancellationToken);
        if (ceremony is null || (userId is not null && ceremony.UserId != userId))
        {
            return null;
        }

        return await challenges.TryConsumeAsync(ceremony.Id, clock.GetUtcNow(), cancellationToken) ? ceremony : null;
    }

    private async Task<SignInOutcome> FailedAsync(string? userId, string detail, ClientInfo client, CancellationToken cancellationToken)
    {
        metrics.Login(LoginResult.Failure);
        await events.RecordAsync(SecurityEventTypes.SignInFailed, userId, null, client.IpAddress, detail, cancellationToken);
        return SignInOutcome.InvalidCredentials;
    }

    private async Task RecordAsync(string userId, string detail, ClientInfo client, CancellationToken cancellationToken)
    {
        var user = await users.FindCachedAsync(userId, cancellationToken);
        await events.RecordAsync(SecurityEventTypes.Passkey, userId, user?.UserName, client.IpAddress, detail, cancellationToken);
    }
}

/// <summary>What a change to one's passkeys came to.</summary>
public abstract record PasskeyChange
{
    public static readonly PasskeyChange NotFound = new Missing();

    /// <summary>The credential is malformed, not genuine, or answers no live registration of this user.</summary>
    public static readonly PasskeyChange CredentialRefused = new Invalid(
        new ValidationError("credential", "PasskeyRefused", "The passkey could not be verified, or setting it up took too long. Try again."));

    // Declared before the fields that use it: static initialisers run in the order they are written.
    internal static readonly ValidationError LimitReachedError = new(
        "credential", "PasskeyLimitReached", $"An account holds at most {PasskeyService.MaxPasskeysPerUser} passkeys. Remove one you no longer use, then add a new one.");

    public static readonly PasskeyChange LimitReached = new Invalid(LimitReachedError);

    private PasskeyChange()
    {
    }

    public sealed record Done(PasskeyInfo Passkey) : PasskeyChange;

    public sealed record Missing : PasskeyChange;

    public sealed record Invalid(ValidationError Error) : PasskeyChange;
}

/// <summary>What asking for passkey creation options came to.</summary>
public abstract record PasskeyCreationOptions
{
    public static readonly PasskeyCreationOptions NotFound = new Missing();

    public static readonly PasskeyCreationOptions LimitReached = new Invalid(PasskeyChange.LimitReachedError);

    private PasskeyCreationOptions()
    {
    }

    /// <param name="OptionsJson">The options for <c>navigator.credentials.create()</c>, as JSON.</param>
    public sealed record Ready(string OptionsJson) : PasskeyCreationOptions;

    /// <summary>There is no such user.</summary>
    public sealed record Missing : PasskeyCreationOptions;

    public sealed record Invalid(ValidationError Error) : PasskeyCreationOptions;
}
