using JwtMvc.Core.Auth.TwoFactor;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

internal sealed class AuthChallengeStore(AppDbContext db) : IAuthChallengeStore
{
    // Expired challenges are useless; whoever creates one clears those more than this long gone.
    private static readonly TimeSpan KeepExpired = TimeSpan.FromHours(1);

    /// <summary>
    /// Stores <paramref name="challenge"/>; a user's pending challenges of its kind are first cut to the newest
    /// <see cref="AuthChallengeRules.MaxPendingPerUser"/> - 1. One transaction, and on SQL Server one lock per user, so
    /// challenges created at once on several instances cannot all count before any is stored.
    /// </summary>
    public Task CreateAsync(AuthChallenge challenge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        return db.InWriteTransactionAsync(
            async ct =>
            {
                var cutoff = challenge.CreatedAt - KeepExpired;
                await db.AuthChallenges.Where(c => c.ExpiresAt < cutoff).ExecuteDeleteAsync(ct);
                if (challenge.UserId is { } userId)
                {
                    var pending = db.AuthChallenges.Where(c => c.UserId == userId && c.Kind == challenge.Kind && c.UsedAt == null);
                    var newest = pending.OrderByDescending(c => c.CreatedAt).Select(c => c.Id).Take(AuthChallengeRules.MaxPendingPerUser - 1);
                    await pending.Where(c => !newest.Contains(c.Id)).ExecuteDeleteAsync(ct);
                }

                db.AuthChallenges.Add(challenge);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                finally
                {
                    db.Entry(challenge).State = EntityState.Detached;
                }
            },
            cancellationToken,
            sqlServerLock: challenge.UserId is { } owner ? "JwtMvc.AuthChallenges." + owner : null);
    }

    public Task<AuthChallenge?> FindActiveAsync(string handleHash, string kind, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.AuthChallenges.AsNoTracking()
            .SingleOrDefaultAsync(c => c.HandleHash == handleHash && c.Kind == kind && c.UsedAt == null && c.ExpiresAt > now, cancellationToken);

    public async Task<bool> TryConsumeAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var gate = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        return await db.AuthChallenges
            .Where(c => c.Id == id && c.UsedAt == null && c.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken) == 1;
    }
}
