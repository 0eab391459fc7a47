namespace JwtMvc.Core.Auth;

/// <summary>
/// This instance's memory of user records behind <see cref="IUserReader.FindCachedAsync"/>, read without the store: a
/// request that finds its user here needs neither the scoped reader nor the database context under it. On a miss,
/// <see cref="IUserReader.FindCachedAsync"/> reads the record and remembers it.
/// </summary>
public interface IUserRecordCache
{
    /// <summary>
    /// True when this instance read the record less than <see cref="JwtOptions.SessionCheckSeconds"/> ago and nothing
    /// evicted it since; <paramref name="user"/> is then that record (null: there is no such user).
    /// </summary>
    bool TryGet(string userId, out AuthUser? user);
}
