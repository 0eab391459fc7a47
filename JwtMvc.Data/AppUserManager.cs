using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtMvc.Data;

/// <summary>
/// Identity's user manager with lockout on <see cref="TimeProvider"/>: in .NET 10 the framework reads
/// <see cref="DateTimeOffset.UtcNow"/>, which a test cannot move. Every change it makes to a user is told to
/// <see cref="IUserChangeNotifier"/>. Sign-ins for one user that run at once each count their failure (see
/// <see cref="ChangeLockoutAsync"/>).
/// </summary>
internal sealed class AppUserManager(
    IUserStore<AppUser> store,
    IOptions<IdentityOptions> optionsAccessor,
    IPasswordHasher<AppUser> passwordHasher,
    IEnumerable<IUserValidator<AppUser>> userValidators,
    IEnumerable<IPasswordValidator<AppUser>> passwordValidators,
    ILookupNormalizer keyNormalizer,
    IdentityErrorDescriber errors,
    IServiceProvider services,
    ILogger<UserManager<AppUser>> logger,
    TimeProvider timeProvider,
    IUserChangeNotifier changes,
    AppDbContext db)
    : UserManager<AppUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
    /// <summary>
    /// Checks <paramref name="password"/> against the password rules and sets its hash on the unsaved
    /// <paramref name="user"/>, which <see cref="UserManager{TUser}.CreateAsync(TUser)"/> then stores. Hashing takes
    /// tens of milliseconds (PBKDF2), so a caller does it before it takes a database lock, not under it.
    /// </summary>
    public Task<IdentityResult> SetNewPasswordAsync(AppUser user, string password) =>
        UpdatePasswordHash(user, password, validatePassword: true);

    /// <summary>
    /// As the framework's, but a hash upgraded on a right password (an older format, fewer iterations) keeps the
    /// security stamp: the password is the same, and a new stamp would end the very sign-in that upgraded it (a sign-in
    /// compares the stamp before and after, <c>TokenService.StartSessionAsync</c>) and void a mail asked for with it.
    /// </summary>
    public override async Task<bool> CheckPasswordAsync(AppUser user, string? password)
    {
        ThrowIfDisposed();
        if (user is null || password is null)
        {
            return false;
        }

        var passwordStore = Store as IUserPasswordStore<AppUser> ?? throw new NotSupportedException("The user store keeps no passwords.");
        var result = await VerifyPasswordAsync(passwordStore, user, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await passwordStore.SetPasswordHashAsync(user, PasswordHasher.HashPassword(user, password), CancellationToken);
            await UpdateUserAsync(user);
        }

        return result != PasswordVerificationResult.Failed;
    }

    public override async Task<bool> IsLockedOutAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfDisposed();
        var lockoutStore = LockoutStore();
        if (!await lockoutStore.GetLockoutEnabledAsync(user, CancellationToken))
        {
            return false;
        }

        var lockoutEnd = await lockoutStore.GetLockoutEndDateAsync(user, CancellationToken);
        return lockoutEnd >= timeProvider.GetUtcNow();
    }

    public override Task<IdentityResult> AccessFailedAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfDisposed();

        // As the framework does: reaching the threshold locks the user and starts a new count.
        return ChangeLockoutAsync(user, async lockoutStore =>
        {
            var count = await lockoutStore.IncrementAccessFailedCountAsync(user, CancellationToken);
            if (count >= Options.Lockout.MaxFailedAccessAttempts)
            {
                var until = timeProvider.GetUtcNow().Add(Options.Lockout.DefaultLockoutTimeSpan);
                await lockoutStore.SetLockoutEndDateAsync(user, until, CancellationToken);
                await lockoutStore.ResetAccessFailedCountAsync(user, CancellationToken);
            }
        });
    }

    public override async Task<IdentityResult> ResetAccessFailedCountAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfDisposed();
        return await GetAccessFailedCountAsync(user) == 0
            ? IdentityResult.Success
            : await ChangeLockoutAsync(user, lockoutStore => lockoutStore.ResetAccessFailedCountAsync(user, CancellationToken));
    }

    public override async Task<IdentityResult> DeleteAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var result = await base.DeleteAsync(user);
        await changes.UserChangedAsync(user.Id, CancellationToken);
        return result;
    }

    // Identity funnels every change to a user (profile, email, password, roles, lockout) through here.
    protected override async Task<IdentityResult> UpdateUserAsync(AppUser user)
    {
        var result = await base.UpdateUserAsync(user);
        if (IsConcurrencyFailure(result))
        {
            // Another request changed the user first, and nothing of this save was written. Nothing of it may stay
            // pending in this scope's context either, or the scope's next save (a session, a security event) would
            // send it: the user row with its stale stamp (and throw), or a row changed beside it, such as the list
            // of recovery codes read before the other request used one, which would bring that code back.
            foreach (var pending in db.ChangeTracker.Entries()
                .Where(e => e.Entity != user && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
                .ToList())
            {
                pending.State = EntityState.Detached;
            }

            await db.Entry(user).ReloadAsync(CancellationToken);
        }

        await changes.UserChangedAsync(user.Id, CancellationToken);
        return result;
    }

    /// <summary>
    /// Applies a change to the user's failure count or lockout and saves it; when a concurrent sign-in saved the user
    /// first (Identity's concurrency stamp refuses the write), applies it again to the fresh row, so every wrong
    /// password counts toward the lockout. Each round lets at least one of the racing requests through.
    /// </summary>
    private async Task<IdentityResult> ChangeLockoutAsync(AppUser user, Func<IUserLockoutStore<AppUser>, Task> change)
    {
        const int MaxAttempts = 10;
        var lockoutStore = LockoutStore();
        for (var attempt = 1; ; attempt++)
        {
            await change(lockoutStore);
            var result = await UpdateUserAsync(user);
            if (!IsConcurrencyFailure(result) || attempt == MaxAttempts || db.Entry(user).State == EntityState.Detached)
            {
                return result; // Detached: the reload found the user deleted meanwhile
            }
        }
    }

    private static bool IsConcurrencyFailure(IdentityResult result) =>
        !result.Succeeded && result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure));

    private IUserLockoutStore<AppUser> LockoutStore() =>
        Store as IUserLockoutStore<AppUser>
        ?? throw new NotSupportedException("The user store does not implement IUserLockoutStore<AppUser>.");
}
