using Microsoft.Extensions.Options;

namespace JwtMvc.Core.Auth;

/// <summary>
/// This instance's short memory of user records, so that reading "who am I" on every page does not cost a
/// database round trip. Trusted for <see cref="JwtOptions.SessionCheckSeconds"/>, the staleness the session
/// check already accepts; changes made through Identity on this instance evict at once. Never used where a
/// decision needs the current record (a refresh rebuilds claims from the store).
/// </summary>
public sealed class UserCache(IOptions<JwtOptions> options)
{
    private readonly FreshnessCache<string, AuthUser?> users = new(TimeSpan.FromSeconds(options.Value.SessionCheckSeconds), StringComparer.Ordinal);

    public bool TryGet(string userId, DateTimeOffset now, out AuthUser? user)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return users.TryGet(userId, now, out user);
    }

    /// <summary>Remembers <paramref name="user"/> (null: no such user) as read at <paramref name="now"/>.</summary>
    public void Set(string userId, AuthUser? user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(userId);
        users.Set(userId, user, now);
    }

    public void Evict(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        users.Evict(userId);
    }
}
