using System.Security.Cryptography;

using JwtMvc.Core.Auth;
using JwtMvc.Data;

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Support;

/// <summary>Builders for users, sessions and refresh tokens in a <see cref="DataServices"/> database.</summary>
internal static class Sessions
{
    public static async Task<string> CreateUserAsync(this DataServices data, string? userName = null, string password = "Passw0rd!")
    {
        userName ??= "user-" + Guid.NewGuid().ToString("N")[..12];
        await using var scope = data.NewScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = userName, Email = userName + "@example.test" };
        var result = await users.CreateAsync(user, password);
        Assert.That(result.Succeeded, Is.True, () => "creating test user failed: " + string.Join(" ", result.Errors.Select(e => e.Description)));
        return user.Id;
    }

    /// <summary>
    /// A scope (a request) that has read the user, after which another scope changed them (counted a wrong password):
    /// the scope's next save of that user meets Identity's concurrency check.
    /// </summary>
    public static async Task<AsyncServiceScope> ScopeWithAStaleUserAsync(this DataServices data, string userId)
    {
        var stale = data.NewScope();
        await stale.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(userId);
        await using var other = data.NewScope();
        var users = other.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await users.AccessFailedAsync((await users.FindByIdAsync(userId))!);
        return stale;
    }

    /// <summary>Stores a new session for <paramref name="userId"/> with its first token; returns both.</summary>
    public static async Task<(Session Session, RefreshToken Token)> CreateSessionAsync(
        this DataServices data,
        string userId,
        TimeSpan? lifetime = null,
        string? userAgent = "test-agent")
    {
        var now = data.Time.GetUtcNow();
        var session = new Session
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            CreatedAt = now,
            LastUsedAt = now,
            ExpiresAt = now + (lifetime ?? TimeSpan.FromDays(14)),
            IpAddress = "127.0.0.1",
            UserAgent = userAgent,
        };
        var token = NewToken(session);
        await using var scope = data.NewScope();
        await scope.ServiceProvider.GetRequiredService<ISessionStore>().CreateAsync(session, token, CancellationToken.None);
        return (session, token);
    }

    /// <summary>A new token of <paramref name="session"/>; with <paramref name="tokenHash"/>, one that takes that hash.</summary>
    public static RefreshToken NewToken(Session session, string? tokenHash = null) => new()
    {
        Id = Guid.NewGuid(),
        TokenHash = tokenHash ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        SessionId = session.Id,
        UserId = session.UserId,
        CreatedAt = session.CreatedAt,
        ExpiresAt = session.ExpiresAt,
        IpAddress = session.IpAddress,
        UserAgent = session.UserAgent,
    };
}
