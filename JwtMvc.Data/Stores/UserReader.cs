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
                context.UserRoles.Where(ur => ur.UserId == u.Id).Join(context.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name).ToList()))
            .FirstOrDefault());

    public async Task<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var row = await FindQuery(db, userId, cancellationToken);
        return row is null
            ? null
            : new AuthUser(row.Id, row.UserName ?? "", row.Email, row.DisplayName, [.. row.Roles.OfType<string>().Order(StringComparer.Ordinal)]);
    }

    public ValueTask<AuthUser?> FindCachedAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = clock.GetUtcNow();
        return cache.TryGet(userId, now, out var user)
            ? ValueTask.FromResult(user)
            : new ValueTask<AuthUser?>(LoadAsync(userId, now, cancellationToken));
    }

    private async Task<AuthUser?> LoadAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = await FindByIdAsync(userId, cancellationToken);
        cache.Set(userId, user, now);
        return user;
    }

    private sealed record UserRow(string Id, string? UserName, string? Email, string? DisplayName, List<string?> Roles);
}
