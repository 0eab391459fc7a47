namespace JwtMvc.Core.Auth;

/// <summary>
/// The one way to read a user's record. Two reads, for two purposes: <see cref="FindByIdAsync"/> for decisions,
/// <see cref="FindCachedAsync"/> for display on every request. Implemented in JwtMvc.Data, with the cache where the
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
    /// The record as this instance read it at most <see cref="JwtOptions.SessionCheckSeconds"/> ago, the staleness the
    /// session check already accepts: for showing the signed-in user on every request (GET /api/me). A change saved
    /// through Identity on this instance shows at once; one made on another instance, within that time. Null when
    /// there is no such user.
    /// </summary>
    ValueTask<AuthUser?> FindCachedAsync(string userId, CancellationToken cancellationToken);
}
