using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace JwtMvc.Data;

/// <summary>
/// Identity's user manager with lockout on <see cref="TimeProvider"/>: in .NET 10 the framework reads
/// <see cref="DateTimeOffset.UtcNow"/>, which a test cannot move. Every change it makes to a user is told to
/// <see cref="IUserChangeNotifier"/>.
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
    IUserChangeNotifier changes)
    : UserManager<AppUser>(store, optionsAccessor, passwordHasher, userValidators, passwordValidators, keyNormalizer, errors, services, logger)
{
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

    public override async Task<IdentityResult> AccessFailedAsync(AppUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        ThrowIfDisposed();
        var lockoutStore = LockoutStore();

        // As the framework does: reaching the threshold locks the user and starts a new count.
        var count = await lockoutStore.IncrementAccessFailedCountAsync(user, CancellationToken);
        if (count >= Options.Lockout.MaxFailedAccessAttempts)
        {
            var until = timeProvider.GetUtcNow().Add(Options.Lockout.DefaultLockoutTimeSpan);
            await lockoutStore.SetLockoutEndDateAsync(user, until, CancellationToken);
            await lockoutStore.ResetAccessFailedCountAsync(user, CancellationToken);
        }

        return await UpdateUserAsync(user);
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
        await changes.UserChangedAsync(user.Id, CancellationToken);
        return result;
    }

    private IUserLockoutStore<AppUser> LockoutStore() =>
        Store as IUserLockoutStore<AppUser>
        ?? throw new NotSupportedException("The user store does not implement IUserLockoutStore<AppUser>.");
}
