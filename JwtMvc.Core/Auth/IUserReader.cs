namespace JwtMvc.Core.Auth;

/// <summary>
/// The one way to read a user's record. Two kinds of read, for two purposes: <see cref="FindByIdAsync"/> and
/// <see cref="FindCurrentAsync"/> for decisions, <see cref="FindCachedAsync"/> for display on every request. Implemented in JwtMvc.Data, with the cache where the
/// data lives.
/// </summary>
public interface IUserReader
{
    /// <summary>
    /// The current record, read from the store now, never from a cache: what a decision needs (a refresh rebuilds the
    /// access token's claims from it). Null when there is no such user.
    /// </summary>
    Task<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// A hash of the user's security stamp, read from the store now; null when there is no such user. Identity renews
    /// the stamp with every change that must end the user's sign-ins (a password change or reset, two-factor sign-in
    /// turned on or off, an admin's lock or role change), so a sign-in compares it, once its session is stored, with
    /// the one it read before checking the credentials (<see cref="TokenService.StartSessionAsync(AuthUser, AuthenticationMethods, string, ClientInfo, CancellationToken)"/>).
    /// </summary>
    Task<string?> FindStampHashAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// The current record, for a caller that has just read its <paramref name="version"/> from the store (the user's
    /// concurrency stamp, which Identity renews with every change it saves, roles included): this instance's copy when
    /// it was read at that same version, however long ago, else the record read now. A null version always reads.
    /// Null when there is no such user.
    /// </summary>
    ValueTask<AuthUser?> FindCurrentAsync(string userId, string? version, CancellationToken cancellationToken);

    /// <summary>
    /// The record as this instance read it at most <see cref="JwtOptions.SessionCheckSeconds"/> ago, the staleness the
    /// session check already accepts: for showing the signed-in user on every request (GET /api/me). A change saved
    /// through Identity on this instance shows at once; one made on another instance, within that time. Null when
    /// there is no such user.
    /// </summary>
    ValueTask<AuthUser?> FindCachedAsync(string userId, CancellationToken cancellationToken);
}
