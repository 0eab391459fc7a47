using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>The running app deletes sessions that ended past <c>Jwt:EndedSessionRetentionDays</c>, with their tokens.</summary>
public sealed class SessionSweepTests : AppFixture
{
    [Test]
    public async Task Every_few_hours_the_app_deletes_sessions_that_ended_past_the_retention_and_keeps_the_rest()
    {
        // Arrange: alice's sessions, one ended 31 days ago (default retention: 30), one ended yesterday.
        Guid endedLongAgo, endedLately;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var alice = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("alice");
            var now = Factory.Clock.GetUtcNow();
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            (endedLongAgo, endedLately) = (AddEnded(db, alice!.Id, now.AddDays(-31)), AddEnded(db, alice.Id, now.AddDays(-1)));
            await db.SaveChangesAsync();
        }

        // Act: the clock moves on by the sweep interval until the sweep has run (it waits on the app's clock).
        var swept = await Factory.AdvanceClockUntilAsync(async () => !await ExistsAsync(endedLongAgo));

        // Assert
        Assert.That(swept, Is.True, "the session that ended 31 days ago is deleted");
        Assert.That(await ExistsAsync(endedLately), Is.True, "the one that ended yesterday is kept");
        await using var check = Factory.Services.CreateAsyncScope();
        Assert.That(await check.ServiceProvider.GetRequiredService<AppDbContext>().RefreshTokens.CountAsync(t => t.SessionId == endedLongAgo), Is.Zero, "its tokens went with it");
    }

    private static Guid AddEnded(AppDbContext db, string userId, DateTimeOffset endedAt)
    {
        var session = new Session { Id = Guid.NewGuid(), UserId = userId, CreatedAt = endedAt.AddDays(-14), LastUsedAt = endedAt, ExpiresAt = endedAt };
        db.Sessions.Add(session);
        db.RefreshTokens.Add(Sessions.NewToken(session));
        return session.Id;
    }

    private async Task<bool> ExistsAsync(Guid sessionId)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Sessions.AnyAsync(s => s.Id == sessionId);
    }
}
