using JwtMvc.Core.Auth;

using Microsoft.Extensions.Options;

namespace JwtMvc.Data.Stores;

/// <summary>
/// This instance's short memory of user records behind <see cref="IUserReader.FindCachedAsync"/>: trusted for
/// <see cref="JwtOptions.SessionCheckSeconds"/>, and forgotten at once when <see cref="IUserChangeNotifier"/> says the
/// user changed.
/// </summary>
internal sealed class UserRecordCache(IOptions<JwtOptions> options, TimeProvider clock) : IUserChangeNotifier, IUserRecordCache
{
    private readonly FreshnessCache<string, AuthUser?> users = new(TimeSpan.FromSeconds(options.Value.SessionCheckSeconds), StringComparer.Ordinal);

    public bool TryGet(string userId, out AuthUser? user) => TryGet(userId, clock.GetUtcNow(), out user);

    public bool TryGet(string userId, DateTimeOffset now, out AuthUser? user) => users.TryGet(userId, now, out user);

    /// <summary>Remembers <paramref name="user"/> (null: no such user) as read at <paramref name="now"/>.</summary>
    public void Set(string userId, AuthUser? user, DateTimeOffset now) => users.Set(userId, user, now);

    public ValueTask UserChangedAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        users.Evict(userId);
        return ValueTask.CompletedTask;
    }
}
