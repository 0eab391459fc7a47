using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

public sealed class AuthChallengeStoreTests : SharedDatabaseFixture
{
    [Test]
    public async Task A_new_challenge_retires_its_users_oldest_unused_ones_of_that_kind_beyond_the_limit()
    {
        // Arrange: as many pending creation ceremonies as a user may have, one a second.
        var userId = await Data.CreateUserAsync();
        var otherUserId = await Data.CreateUserAsync();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<IAuthChallengeStore>();
        var pending = new List<AuthChallenge>();
        for (var i = 0; i < AuthChallengeRules.MaxPendingPerUser; i++)
        {
            pending.Add(await CreateAsync(store, AuthChallengeKinds.PasskeyCreation, userId));
            Data.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var otherKind = await CreateAsync(store, AuthChallengeKinds.SecondFactor, userId);
        var otherUser = await CreateAsync(store, AuthChallengeKinds.PasskeyCreation, otherUserId);
        var anonymous = new List<AuthChallenge>();
        for (var i = 0; i <= AuthChallengeRules.MaxPendingPerUser; i++)
        {
            anonymous.Add(await CreateAsync(store, AuthChallengeKinds.PasskeyRequest, null));
        }

        // Act
        var latest = await CreateAsync(store, AuthChallengeKinds.PasskeyCreation, userId);

        // Assert
        Assert.That(await FindAsync(store, pending[0]), Is.Null, "the oldest is retired");
        foreach (var kept in pending.Skip(1).Append(latest).Append(otherKind).Append(otherUser).Concat(anonymous))
        {
            Assert.That(await FindAsync(store, kept), Is.Not.Null, $"{kept.Kind} of {kept.UserId ?? "nobody"} at {kept.CreatedAt:T} stays");
        }
    }

    private async Task<AuthChallenge> CreateAsync(IAuthChallengeStore store, string kind, string? userId)
    {
        var now = Data.Time.GetUtcNow();
        var challenge = new AuthChallenge
        {
            Id = Guid.NewGuid(),
            HandleHash = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            Kind = kind,
            UserId = userId,
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(5),
        };
        await store.CreateAsync(challenge, CancellationToken.None);
        return challenge;
    }

    private Task<AuthChallenge?> FindAsync(IAuthChallengeStore store, AuthChallenge challenge) =>
        store.FindActiveAsync(challenge.HandleHash, challenge.Kind, Data.Time.GetUtcNow(), CancellationToken.None);
}
