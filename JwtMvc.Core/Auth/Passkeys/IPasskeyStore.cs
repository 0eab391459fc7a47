namespace JwtMvc.Core.Auth.Passkeys;

/// <summary>
/// WebAuthn ceremonies and the passkeys they create, over Identity's passkey handler and passkey store. Implemented in
/// JwtMvc.Data. Passkey ids are the credential ids, base64url-encoded. Nothing here keeps ceremony state: the caller
/// stores <see cref="PasskeyCeremonyStart.State"/> and hands it back once.
/// </summary>
public interface IPasskeyStore
{
    /// <summary>Creation options for the user (their existing passkeys excluded); null when there is no such user.</summary>
    Task<PasskeyCeremonyStart?> BeginRegistrationAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Request options for a sign-in with a discoverable credential (no user named).</summary>
    Task<PasskeyCeremonyStart> BeginSignInAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Verifies a <c>navigator.credentials.create()</c> result against the ceremony state and, when it is good and
    /// made for <paramref name="userId"/>, stores the passkey as <paramref name="name"/>, created <paramref name="now"/>,
    /// unless the user already has <paramref name="maxPasskeys"/> (also when registrations of one user race).
    /// </summary>
    Task<PasskeyRegistration> RegisterAsync(string userId, string credentialJson, string state, string name, int maxPasskeys, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Verifies a <c>navigator.credentials.get()</c> result; when it is good, saves the passkey's counter and <paramref name="now"/> as its last use.</summary>
    Task<PasskeyVerification> VerifySignInAsync(string credentialJson, string state, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The user's passkeys, oldest first.</summary>
    Task<IReadOnlyList<PasskeyInfo>> ListAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Renames one of the user's passkeys; null when the user has no passkey with that id.</summary>
    Task<PasskeyInfo?> RenameAsync(string userId, string passkeyId, string name, CancellationToken cancellationToken);

    /// <summary>Removes one of the user's passkeys and answers what it was; null when the user has no passkey with that id.</summary>
    Task<PasskeyInfo?> RemoveAsync(string userId, string passkeyId, CancellationToken cancellationToken);

    /// <summary>Removes all the user's passkeys; returns how many there were.</summary>
    Task<int> RemoveAllAsync(string userId, CancellationToken cancellationToken);
}

/// <summary>The options JSON for the browser, the challenge in it (base64url), and the state that finishes the ceremony.</summary>
public sealed record PasskeyCeremonyStart(string OptionsJson, string Challenge, string State);

/// <param name="Id">The credential id, base64url.</param>
public sealed record PasskeyInfo(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

public abstract record PasskeyRegistration
{
    private PasskeyRegistration()
    {
    }

    public sealed record Registered(PasskeyInfo Passkey) : PasskeyRegistration;

    /// <param name="Reason">Why, for the log and the security events; never shown as is to the client.</param>
    public sealed record Refused(string Reason) : PasskeyRegistration;

    /// <summary>The credential is good, but the user already has as many passkeys as an account may hold.</summary>
    public sealed record LimitReached : PasskeyRegistration;
}

public abstract record PasskeyVerification
{
    private PasskeyVerification()
    {
    }

    /// <param name="UserVerified">The authenticator verified the user (PIN, biometrics), not only their presence.</param>
    /// <param name="StampHash">
    /// The user's security stamp (<see cref="IUserReader.FindStampHashAsync"/>) on the record the verification read
    /// and saved the signature counter on, the record the sign-in's account checks then read too.
    /// </param>
    public sealed record Verified(string UserId, PasskeyInfo Passkey, bool UserVerified, string StampHash) : PasskeyVerification;

    public sealed record Refused(string Reason) : PasskeyVerification;
}
