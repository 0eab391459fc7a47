namespace JwtMvc.Core.Auth;

/// <summary>The signed-in user's record for display (GET /api/me), through this instance's <see cref="UserCache"/>.</summary>
public sealed class UserProfiles(IUserLookup lookup, UserCache cache, TimeProvider clock)
{
    public ValueTask<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var now = clock.GetUtcNow();
        return cache.TryGet(userId, now, out var user)
            ? ValueTask.FromResult(user)
            : new ValueTask<AuthUser?>(LoadAsync(userId, now, cancellationToken));
    }

    private async Task<AuthUser?> LoadAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var user = await lookup.FindByIdAsync(userId, cancellationToken);
        cache.Set(userId, user, now);
        return user;
    }
}
