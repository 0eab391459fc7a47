using JwtMvc.Core.Auth.TwoFactor;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data.Stores;

/// <summary>
/// Two-factor state over Identity: the authenticator key in Identity's token store (<see cref="UserManager{TUser}.GetAuthenticatorKeyAsync"/>),
/// recovery codes in Identity's recovery-code store, but as SHA-256 hashes (Identity keeps what it is given, in plain
/// text), and the last accepted time step in its own <c>TotpTimeSteps</c> row (Identity rewrites the whole user row on
/// every change, which could put an old step back), advanced by one conditional UPDATE.
/// </summary>
internal sealed class TwoFactorStore(UserManager<AppUser> users, IUserStore<AppUser> userStore, AppDbContext db) : ITwoFactorStore
{
    /// <summary>The login provider under which Identity's user store keeps its own tokens.</summary>
    private const string IdentityStoreProvider = "[AspNetUserStore]";

    private const string AuthenticatorKeyName = "AuthenticatorKey";

    private const string RecoveryCodesName = "RecoveryCodes";

    public async Task<TwoFactorState?> GetStateAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return null;
        }

        var key = await users.GetAuthenticatorKeyAsync(user);
        var left = user.TwoFactorEnabled ? await users.CountRecoveryCodesAsync(user) : 0;
        return new TwoFactorState(user.UserName ?? "", user.TwoFactorEnabled, key, left);
    }

    public async Task<string> ResetAuthenticatorKeyAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(userId);
        Check(await users.ResetAuthenticatorKeyAsync(user));
        return await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("Identity stored no authenticator key.");
    }

    public async Task<bool> TryAcceptTimeStepAsync(string userId, long timeStep, CancellationToken cancellationToken)
    {
        return await KeyedCounterRow.TryAdvanceAsync(
            db,
            () => db.TotpTimeSteps
                .Where(t => t.UserId == userId && t.LastAccepted < timeStep)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastAccepted, timeStep), cancellationToken),
            () => db.TotpTimeSteps.AnyAsync(t => t.UserId == userId, cancellationToken),
            new TotpTimeStep { UserId = userId, LastAccepted = timeStep },
            cancellationToken);
    }

    public async Task<bool> EnableAsync(string userId, string? authenticatorKey, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(userId);
        var enabled = false;
        Check(await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(async () =>
        {
            // Checked on the row this attempt saves over: a new key (or another enable) saves the user too, so one
            // that commits after this check makes the save below fail and this check run again.
            if (user.TwoFactorEnabled || await StoredAuthenticatorKeyAsync(user.Id, cancellationToken) != authenticatorKey)
            {
                enabled = false;
                return IdentityResult.Success;
            }

            await RecoveryCodeStore().ReplaceCodesAsync(user, recoveryCodeHashes, cancellationToken);
            enabled = true;
            return await users.SetTwoFactorEnabledAsync(user, true);
        }));
        return enabled;
    }

    public async Task ReplaceRecoveryCodesAsync(string userId, IReadOnlyList<string> recoveryCodeHashes, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(userId);
        Check(await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(async () =>
        {
            await RecoveryCodeStore().ReplaceCodesAsync(user, recoveryCodeHashes, cancellationToken);
            return await users.UpdateAsync(user);
        }));
    }

    public async Task<bool> HasRecoveryCodeAsync(string userId, string recoveryCodeHash, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return false;
        }

        // Where and how Identity's user store keeps the codes (its RedeemCodeAsync reads them so): one token, joined by ';'.
        var codes = await users.GetAuthenticationTokenAsync(user, IdentityStoreProvider, RecoveryCodesName);
        return codes is not null && codes.Split(';').Contains(recoveryCodeHash, StringComparer.Ordinal);
    }

    public async Task<bool> RedeemRecoveryCodeAsync(string userId, string recoveryCodeHash, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return false;
        }

        try
        {
            // The user's concurrency stamp makes two redemptions of one code race to one success: a save that meets
            // another request's is made again on the fresh row, where a code that request used up is gone.
            return (await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(() => users.RedeemTwoFactorRecoveryCodeAsync(user, recoveryCodeHash))).Succeeded;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    public async Task DisableAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(userId);

        // One save for all three, made again on the fresh row when another request saved the user first (a failed
        // sign-in, say): as separate saves, a refused first one left the key and the codes behind under "off".
        Check(await IdentityResultExtensions.SaveAgainOnConcurrencyFailureAsync(async () =>
        {
            await RecoveryCodeStore().ReplaceCodesAsync(user, [], cancellationToken);
            await StoreAs<IUserAuthenticationTokenStore<AppUser>>().RemoveTokenAsync(user, IdentityStoreProvider, AuthenticatorKeyName, cancellationToken);
            await StoreAs<IUserTwoFactorStore<AppUser>>().SetTwoFactorEnabledAsync(user, false, cancellationToken);
            return await users.UpdateSecurityStampAsync(user); // what SetTwoFactorEnabledAsync renews, and the one save
        }));
    }

    public async Task<SecondFactorCheck> CheckPasswordAsync(string userId, string password, CancellationToken cancellationToken)
    {
        var user = await RequireAsync(userId);
        if (await users.IsLockedOutAsync(user))
        {
            return SecondFactorCheck.LockedOut;
        }

        if (await users.CheckPasswordAsync(user, password))
        {
            return SecondFactorCheck.Success;
        }

        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user) ? SecondFactorCheck.LockedOut : SecondFactorCheck.Failed;
    }

    public async Task<bool> IsLockedOutAsync(string userId, CancellationToken cancellationToken) =>
        await users.FindByIdAsync(userId) is not { } user || await users.IsLockedOutAsync(user);

    public async Task<bool> NeedsEmailConfirmationAsync(string userId, CancellationToken cancellationToken) =>
        users.Options.SignIn.RequireConfirmedEmail
        && (await users.FindByIdAsync(userId) is not { } user || !await users.IsEmailConfirmedAsync(user));

    public async Task<bool> RecordFailureAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return false;
        }

        await users.AccessFailedAsync(user);
        return await users.IsLockedOutAsync(user);
    }

    public async Task ResetFailuresAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is { } user && await users.GetAccessFailedCountAsync(user) > 0)
        {
            await users.ResetAccessFailedCountAsync(user);
        }
    }

    private async Task<AppUser> RequireAsync(string userId) =>
        await users.FindByIdAsync(userId) ?? throw new InvalidOperationException($"User {userId} does not exist.");

    /// <summary>The key as stored now (Identity's own read answers the copy this scope already tracks).</summary>
    private Task<string?> StoredAuthenticatorKeyAsync(string userId, CancellationToken cancellationToken) =>
        db.UserTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.LoginProvider == IdentityStoreProvider && t.Name == AuthenticatorKeyName)
            .Select(t => t.Value)
            .SingleOrDefaultAsync(cancellationToken);

    private IUserTwoFactorRecoveryCodeStore<AppUser> RecoveryCodeStore() => StoreAs<IUserTwoFactorRecoveryCodeStore<AppUser>>();

    private TStore StoreAs<TStore>()
        where TStore : class =>
        userStore as TStore ?? throw new NotSupportedException($"The user store is not an {typeof(TStore).Name}.");

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("Identity refused a two-factor change: " + string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }
}
