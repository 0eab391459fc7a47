using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Core.Auth;

/// <summary>
/// The session check of every authenticated request (JwtBearer's token-validated event). A fresh entry in this
/// instance's <see cref="SessionCache"/> answers at once, so a request that hits it never builds the scoped
/// <see cref="SessionService"/> nor the pooled database context under it; a miss goes to the request's
/// <see cref="SessionService.IsActiveAsync"/>, which reads the store and fills the cache. What "active" means lives in
/// the cache's entries, for both paths.
/// </summary>
public sealed class SessionCheck(SessionCache cache, TimeProvider clock)
{
    public ValueTask<bool> IsActiveAsync(Guid sessionId, string userId, IServiceProvider requestServices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(requestServices);
        return cache.TryGet(sessionId, userId, clock.GetUtcNow(), out var active)
            ? ValueTask.FromResult(active)
            : requestServices.GetRequiredService<SessionService>().IsActiveAsync(sessionId, userId, cancellationToken);
    }
}
