using JwtMvc.Core.Auth;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// A user and their role names in one no-tracking query, without building Identity's user manager or running its two
/// queries (user, then roles); the cached read goes through this instance's <see cref="UserRecordCache"/>.
/// </summary>
internal sealed class UserReader(AppDbContext db, UserRecordCache cache, TimeProvider clock) : IUserReader
{
    private static readonly Func<AppDbContext, string, CancellationToken, Task<UserRow?>> FindQuery = EF.CompileAsyncQuery(
        (AppDbContext context, string userId, CancellationToken _) => context.Users
            .AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new UserRow(
                u.Id,
                u.UserName,
                u.Email,
                u.DisplayName,
                u.ConcurrencyStamp,
                context.UserRoles.Where(ur => ur.UserId == u.Id).Join(context.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToList()))
            .FirstOrDefault());

    private static readonly Func<AppDbContext, string, CancellationToken, Task<StampRow?>> StampQuery = EF.CompileAsyncQuery(
        (AppDbContext context, string userId, CancellationToken _) => context.Users
            .AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new StampRow(u.SecurityStamp))
            .FirstOrDefault());

    public async Task<string?> FindStampHashAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return await StampQuery(db, userId, cancellationToken) is { } row ? SecurityStamps.Hash(row.Stamp) : null;
    }

    public async Task<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return (await ReadAsync(userId, cancellationToken)).User;
    }

    public ValueTask<AuthUser?> FindCurrentAsync(string userId, string? version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return version is not null && cache.TryGetVersion(userId, version, out var user)
            ? ValueTask.FromResult<AuthUser?>(user)
            : new ValueTask<AuthUser?>(LoadAsync(userId, cancellationToken));
    }

    public ValueTask<AuthUser?> FindCachedAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return cache.TryGet(userId, out var user)
            ? ValueTask.FromResult(user)
            : new ValueTask<AuthUser?>(LoadAsync(userId, cancellationToken));
    }

    /// <summary>Reads the record now and leaves it, with its version, in this instance's cache.</summary>
    private async Task<AuthUser?> LoadAsync(string userId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var generation = cache.Generation;
        var (user, version) = await ReadAsync(userId, cancellationToken);
        cache.Set(userId, user, version, now, generation);
        return user;
    }

    private async Task<(AuthUser? User, string? Version)> ReadAsync(string userId, CancellationToken cancellationToken)
    {
        var row = await FindQuery(db, userId, cancellationToken);
        return row is null
            ? (null, null)
            : (new AuthUser(row.Id, row.UserName ?? "", row.Email, row.DisplayName, [.. row.Roles.OfType<string>().Order(StringComparer.Ordinal)]), row.Version);
    }

    private sealed record StampRow(string? Stamp);

    private sealed record UserRow(string Id, string? UserName, string? Email, string? DisplayName, string? Version, List<string?> Roles);
}
