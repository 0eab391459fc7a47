using JwtMvc.Core.Auth;
using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Security;
using JwtMvc.Core.Cluster;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace JwtMvc.Tests.Support;

/// <summary>A TokenService over mocked stores and a fake clock.</summary>
public sealed class TokenServiceBuilder
{
    private SessionCache? cache;

    public JwtOptions Options { get; } = new() { SigningKey = TestKeys.NewSigningKey() };

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    public Mock<ISessionStore> Store { get; } = CreateStore();

    /// <summary>Strict, but every user's security stamp hashes to <see cref="StampHash"/> unless a test says otherwise.</summary>
    public Mock<IUserReader> Users { get; } = CreateUsers();

    /// <summary>Loose: records whatever it is told.</summary>
    public Mock<ISecurityEventLog> Events { get; } = new();

    public JwtMvcMetrics Metrics { get; } = new(null);

    public Mock<ICacheInvalidation> Invalidation { get; } = new();

    public static AuthUser Alice { get; } = new("alice-id", "alice", "alice@jwtmvc.local", "Alice", ["User"]);

    /// <summary>The hash of every user's security stamp, as <see cref="Users"/> reads it unless a test changes it.</summary>
    public const string StampHash = "STAMP";

    public SharedSecretKeys Keys => new(Microsoft.Extensions.Options.Options.Create(Options));

    public SessionCache Cache => cache ??= new SessionCache(Microsoft.Extensions.Options.Options.Create(Options));

    /// <summary>An active fourteen-day session of alice's, started now, that <see cref="Store"/> finds by id (and keeps finding as the test changes it).</summary>
    public Session StubActiveSession()
    {
        var now = Clock.GetUtcNow();
        var session = new Session { Id = Guid.NewGuid(), UserId = Alice.Id, CreatedAt = now, LastUsedAt = now, ExpiresAt = now.AddDays(14) };
        Store.Setup(s => s.FindSessionAsync(session.Id, It.IsAny<CancellationToken>())).ReturnsAsync(() => session);
        return session;
    }

    /// <summary>Strict, but every user is within the session limit unless a test says otherwise.</summary>
    private static Mock<ISessionStore> CreateStore()
    {
        var store = new Mock<ISessionStore>(MockBehavior.Strict);
        store.Setup(s => s.RevokeSessionsBeyondAsync(
                It.IsAny<string>(), It.IsAny<int>(), It.IsAny<Guid>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(SessionLimitResult.WithinLimit);
        return store;
    }

    private static Mock<IUserReader> CreateUsers()
    {
        var users = new Mock<IUserReader>(MockBehavior.Strict);
        users.Setup(u => u.FindStampHashAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync(StampHash);
        return users;
    }

    public SessionService BuildSessions() => new(Store.Object, Cache, Clock, Invalidation.Object, Metrics, Events.Object, Microsoft.Extensions.Options.Options.Create(Options));

    public TokenService Build() => Build(BuildSessions());

    public TokenService Build(SessionService sessions)
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        return new TokenService(options, new SharedSecretKeys(options), Store.Object, Users.Object, sessions, Clock, NullLogger<TokenService>.Instance, Metrics, Events.Object);
    }

    public Microsoft.IdentityModel.Tokens.TokenValidationParameters ValidationParameters() =>
        AccessTokenValidation.CreateParameters(Options, Keys, Clock);
}

public static class TokenServiceTestExtensions
{
    /// <summary>A password sign-in's session start, by a user whose stamp is <see cref="TokenServiceBuilder.StampHash"/>.</summary>
    public static async Task<IssuedTokens> StartSessionAsync(this TokenService tokens, AuthUser user, ClientInfo client, CancellationToken cancellationToken) =>
        (await tokens.StartSessionAsync(user, AuthenticationMethods.Password, TokenServiceBuilder.StampHash, client, cancellationToken)).Tokens
        ?? throw new InvalidOperationException("The session was refused as it started.");
}
