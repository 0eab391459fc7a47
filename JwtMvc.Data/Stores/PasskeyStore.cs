using System.Buffers.Text;
using JwtMvc.Core.Auth.Passkeys;

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Passkeys over Identity: its <see cref="IPasskeyHandler{TUser}"/> runs the WebAuthn checks (called directly:
/// SignInManager's passkey methods assume the cookie scheme), <see cref="UserManager{TUser}"/> keeps the passkeys, and
/// <see cref="PasskeyLastUse"/> rows their last use.
/// </summary>
internal sealed class PasskeyStore(IPasskeyHandler<AppUser> handler, UserManager<AppUser> users, AppDbContext db) : IPasskeyStore
{
    public async Task<PasskeyCeremonyStart?> BeginRegistrationAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return null;
        }

        var userName = user.UserName ?? user.Id;
        var entity = new PasskeyUserEntity { Id = user.Id, Name = userName, DisplayName = user.DisplayName ?? userName };
        var options = await handler.MakeCreationOptionsAsync(entity, Detached());
        return Start(options.CreationOptionsJson, options.AttestationState);
    }

    public async Task<PasskeyCeremonyStart> BeginSignInAsync(CancellationToken cancellationToken)
    {
        var options = await handler.MakeRequestOptionsAsync(null, Detached());
        return Start(options.RequestOptionsJson, options.AssertionState);
    }

    public async Task<PasskeyRegistration> RegisterAsync(string userId, string credentialJson, string state, string name, int maxPasskeys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await handler.PerformAttestationAsync(new PasskeyAttestationContext
        {
            HttpContext = Detached(),
            CredentialJson = credentialJson,
            AttestationState = state,
        });
        if (!result.Succeeded)
        {
            return new PasskeyRegistration.Refused(result.Failure.Message);
        }

        if (result.UserEntity.Id != userId)
        {
            return new PasskeyRegistration.Refused("the passkey was made for another user");
        }

        var made = result.Passkey;
        var passkey = new UserPasskeyInfo(
            made.CredentialId, made.PublicKey, now, made.SignCount, made.Transports, made.IsUserVerified,
            made.IsBackupEligible, made.IsBackedUp, made.AttestationObject, made.ClientDataJson)
        {
            Name = name,
        };
        // Count and store in one transaction. Identity saves the passkey row first and then the user under its
        // concurrency stamp; when a concurrent registration saved in between, the stamp check fails and the rollback
        // takes this passkey row with it.
        return await db.InWriteTransactionAsync(
            async Task<PasskeyRegistration> (CancellationToken _) =>
            {
                if (await users.FindByIdAsync(userId) is not { } user)
                {
                    return new PasskeyRegistration.Refused("no such user");
                }

                if ((await users.GetPasskeysAsync(user)).Count >= maxPasskeys)
                {
                    return new PasskeyRegistration.LimitReached();
                }

                try
                {
                    if (!(await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded)
                    {
                        db.ChangeTracker.Clear(); // the transaction, not committed, rolls the passkey row back
                        return new PasskeyRegistration.Refused("Identity did not store the passkey (a concurrent change to the user)");
                    }
                }
                catch (DbUpdateException)
                {
                    db.ChangeTracker.Clear();
                    return new PasskeyRegistration.Refused("the credential was registered a moment ago"); // by a concurrent registration
                }

                return new PasskeyRegistration.Registered(Info(passkey, null));
            },
            cancellationToken,
            commitIf: registration => registration is PasskeyRegistration.Registered);
    }

    public async Task<PasskeyVerification> VerifySignInAsync(string credentialJson, string state, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = await handler.PerformAssertionAsync(new PasskeyAssertionContext
        {
            HttpContext = Detached(),
            CredentialJson = credentialJson,
            AssertionState = state,
        });
        if (!result.Succeeded)
        {
            return new PasskeyVerification.Refused(result.Failure.Message);
        }

        try
        {
            // The handler moved the signature counter on; saving it is what makes a cloned authenticator show.
            if (!(await users.AddOrUpdatePasskeyAsync(result.User, result.Passkey)).Succeeded)
            {
                return new PasskeyVerification.Refused("the passkey's counter could not be saved");
            }
        }
        catch (DbUpdateException)
        {
            return new PasskeyVerification.Refused("the passkey changed meanwhile");
        }

        var credentialId = result.Passkey.CredentialId;
        await KeyedCounterRow.TryAdvanceAsync(
            db,
            () => db.PasskeyLastUses
                .Where(u => u.CredentialId == credentialId && u.LastUsedAt < now)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.LastUsedAt, now), cancellationToken),
            () => db.PasskeyLastUses.AnyAsync(u => u.CredentialId == credentialId, cancellationToken),
            new PasskeyLastUse { CredentialId = credentialId, LastUsedAt = now },
            cancellationToken);
        return new PasskeyVerification.Verified(
            result.User.Id, Info(result.Passkey, now), PasskeyCredentialJson.ReadUserVerified(credentialJson), SecurityStamps.Hash(result.User.SecurityStamp));
    }

    public async Task<IReadOnlyList<PasskeyInfo>> ListAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return [];
        }

        var passkeys = await users.GetPasskeysAsync(user);
        var ids = passkeys.Select(p => p.CredentialId).ToList();
        var lastUses = await db.PasskeyLastUses.AsNoTracking().Where(u => ids.Contains(u.CredentialId)).ToListAsync(cancellationToken);
        return [.. passkeys
            .OrderBy(p => p.CreatedAt)
            .Select(p => Info(p, lastUses.Find(u => u.CredentialId.AsSpan().SequenceEqual(p.CredentialId))?.LastUsedAt))];
    }

    public async Task<PasskeyInfo?> RenameAsync(string userId, string passkeyId, string name, CancellationToken cancellationToken)
    {
        if (await FindAsync(userId, passkeyId) is not ({ } user, { } passkey))
        {
            return null;
        }

        passkey.Name = name;
        if (!(await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded)
        {
            return null;
        }

        var lastUsed = await db.PasskeyLastUses.AsNoTracking()
            .Where(u => u.CredentialId == passkey.CredentialId).Select(u => (DateTimeOffset?)u.LastUsedAt).SingleOrDefaultAsync(cancellationToken);
        return Info(passkey, lastUsed);
    }

    public async Task<PasskeyInfo?> RemoveAsync(string userId, string passkeyId, CancellationToken cancellationToken)
    {
        if (await FindAsync(userId, passkeyId) is not ({ } user, { } passkey))
        {
            return null;
        }

        return (await users.RemovePasskeyAsync(user, passkey.CredentialId)).Succeeded ? Info(passkey, null) : null;
    }

    public async Task<int> RemoveAllAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return 0;
        }

        var removed = 0;
        foreach (var passkey in await users.GetPasskeysAsync(user))
        {
            // Made again on the fresh row when a sign-in (with another of these passkeys, say) saved the user first: a
            // passkey left behind would outlive the admin's reset.
            var result = await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(() => users.RemovePasskeyAsync(user, passkey.CredentialId));
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("Identity refused removing a passkey: " + string.Join(" ", result.Errors.Select(e => e.Code)));
            }

            removed++;
        }

        return removed;
    }

    private async Task<(AppUser? User, UserPasskeyInfo? Passkey)> FindAsync(string userId, string passkeyId)
    {
        if (passkeyId is not { Length: > 0 and <= 1400 } || !Base64Url.IsValid(passkeyId) || await users.FindByIdAsync(userId) is not { } user)
        {
            return (null, null);
        }

        return (user, await users.GetPasskeyAsync(user, Base64Url.DecodeFromChars(passkeyId)));
    }

    private static PasskeyCeremonyStart Start(string optionsJson, string? state) =>
        new(optionsJson, PasskeyCredentialJson.ReadOptionsChallenge(optionsJson),
            state ?? throw new InvalidOperationException("Identity's passkey handler gave no ceremony state."));

    private static PasskeyInfo Info(UserPasskeyInfo passkey, DateTimeOffset? lastUsedAt) =>
        new(Base64Url.EncodeToString(passkey.CredentialId), passkey.Name ?? "Passkey", passkey.CreatedAt, lastUsedAt);

    /// <summary>
    /// Identity's handler reads the request only for the relying party id and the origin check when their options
    /// are unset. Web's passkey setup sets both, so no ceremony depends on the request, and a stand-in serves.
    /// </summary>
    private static DefaultHttpContext Detached() => new();
}
