namespace JwtMvc.Core.Auth;

/// <summary>
/// One read of a user's record by id, without Identity's user manager: the cheap path for per-request reads.
/// Implemented in JwtMvc.Data.
/// </summary>
public interface IUserLookup
{
    Task<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken);
}
