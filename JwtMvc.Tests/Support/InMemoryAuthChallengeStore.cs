using JwtMvc.Core.Auth.TwoFactor;

namespace JwtMvc.Tests.Support;

/// <summary>The <see cref="IAuthChallengeStore"/> contract in memory: found while unused and unexpired, used once.</summary>
public sealed class InMemoryAuthChallengeStore : IAuthChallengeStore
{
    private readonly List<AuthChallenge> challenges = [];

    public IReadOnlyList<AuthChallenge> All => challenges;

    public Task CreateAsync(AuthChallenge challenge, CancellationToken cancellationToken)
    {
        var pending = challenges.Where(c => challenge.UserId is not null && c.UserId == challenge.UserId && c.Kind == challenge.Kind && c.UsedAt is null)
            .OrderByDescending(c => c.CreatedAt)
            .Skip(AuthChallengeRules.MaxPendingPerUser - 1)
            .ToList();
        challenges.RemoveAll(pending.Contains);

        challenges.Add(challenge);
        return Task.CompletedTask;
    }

    public Task<AuthChallenge?> FindActiveAsync(string handleHash, string kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(challenges.SingleOrDefault(c => c.HandleHash == handleHash && c.Kind == kind && c.UsedAt is null && c.ExpiresAt > now));

    public Task<bool> TryConsumeAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var challenge = challenges.SingleOrDefault(c => c.Id == id && c.UsedAt is null && c.ExpiresAt > now);
        if (challenge is not null)
        {
            challenge.UsedAt = now;
        }

        return Task.FromResult(challenge is not null);
    }
}
