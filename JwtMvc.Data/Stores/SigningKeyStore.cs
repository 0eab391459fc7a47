using JwtMvc.Core.Auth.Keys;

using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

internal sealed class SigningKeyStore(AppDbContext db) : ISigningKeyStore
{
    public async Task<(IReadOnlyList<SigningKeyRecord> Keys, int MaxGeneration)> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The generation first: a key stored by another instance after this read makes a plan from this load (the
        // next generation) conflict, so a stale view of the keys can never be written back over a newer one.
        var maxGeneration = await db.SigningKeys.MaxAsync(k => (int?)k.Generation, cancellationToken) ?? 0;
        var keys = await db.SigningKeys.AsNoTracking().Where(k => k.RemovedAt > now).ToListAsync(cancellationToken);
        return (keys, maxGeneration);
    }

    public async Task<bool> TryAddAsync(SigningKeyRecord key, IReadOnlyList<KeyRetirement> retirements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(retirements);
        return await db.InWriteTransactionAsync(
            async ct =>
            {
                foreach (var retirement in retirements)
                {
                    await db.SigningKeys
                        .Where(k => k.KeyId == retirement.KeyId)
                        .ExecuteUpdateAsync(
                            set => set.SetProperty(k => k.RetiresAt, retirement.RetiresAt).SetProperty(k => k.RemovedAt, retirement.RemovedAt),
                            ct);
                }

                db.SigningKeys.Add(key);
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateException)
                {
                    // The unique generation: another instance stored this key's slot first. Nothing of ours stays.
                    return false;
                }
                finally
                {
                    db.Entry(key).State = EntityState.Detached;
                }

                return true;
            },
            cancellationToken,
            commitIf: added => added);
    }

    public async Task<bool> RevokeAsync(string keyId, DateTimeOffset revokedAt, CancellationToken cancellationToken) =>
        await db.SigningKeys
            .Where(k => k.KeyId == keyId && k.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.RevokedAt, revokedAt), cancellationToken) > 0;
}
