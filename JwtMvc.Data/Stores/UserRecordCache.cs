using System.Diagnostics.CodeAnalysis;
using JwtMvc.Core.Auth;

using Microsoft.Extensions.Options;

namespace JwtMvc.Data.Stores;

/// <summary>
/// This instance's short memory of user records behind <see cref="IUserReader.FindCachedAsync"/>: trusted for
/// <see cref="JwtOptions.SessionCheckSeconds"/>, and forgotten at once when <see cref="IUserChangeNotifier"/> says the
/// user changed. Each record keeps the version (concurrency stamp) it was read at, so that
/// <see cref="IUserReader.FindCurrentAsync"/> can use it, at any age, while the store still has that version.
/// </summary>
internal sealed class UserRecordCache(IOptions<JwtOptions> options, TimeProvider clock) : IUserChangeNotifier, IUserRecordCache
{
    private readonly FreshnessCache<string, VersionedUser> users = new(TimeSpan.FromSeconds(options.Value.SessionCheckSeconds), StringComparer.Ordinal);

    public bool TryGet(string userId, out AuthUser? user)
    {
        var found = users.TryGet(userId, clock.GetUtcNow(), out var entry);
        user = entry.User;
        return found;
    }

    /// <summary>True when the remembered record of <paramref name="userId"/> was read at <paramref name="version"/>.</summary>
    public bool TryGetVersion(string userId, string version, [NotNullWhen(true)] out AuthUser? user)
    {
        user = users.TryGetAnyAge(userId, out var entry) && entry.Version == version ? entry.User : null;
        return user is not null;
    }

    /// <summary>Changes with every eviction: read it before reading a user from the store (see <see cref="Set"/>).</summary>
    public long Generation => users.Generation;

    /// <summary>
    /// Remembers <paramref name="user"/> (null: no such user) as read at <paramref name="now"/>, at
    /// <paramref name="version"/> (null: unknown), unless a user changed since <paramref name="readAtGeneration"/>.
    /// </summary>
    public void Set(string userId, AuthUser? user, string? version, DateTimeOffset now, long readAtGeneration) =>
        users.Set(userId, new VersionedUser(user, version), now, readAtGeneration);

    public ValueTask UserChangedAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        users.Evict(userId);
        return ValueTask.CompletedTask;
    }

    private readonly record struct VersionedUser(AuthUser? User, string? Version);
}
