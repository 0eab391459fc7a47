using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// An admin's changes to a user (lock, unlock, roles, "revoke sessions"). Whoever holds the account may keep saving it
/// (each failed sign-in does): the admin's change is made again on the fresh row, not refused.
/// </summary>
[TestFixture]
public sealed class UserAdministrationTests : SharedDatabaseFixture
{
    [Test]
    public async Task Renewing_the_stamp_after_another_request_saved_the_user_renews_it_on_the_fresh_row()
    {
        var userId = await Data.CreateUserAsync();
        var before = await StampOfAsync(userId);
        await using var admin = await Data.ScopeWithAStaleUserAsync(userId);

        var renewed = await admin.ServiceProvider.GetRequiredService<IUserAdministration>().RenewSecurityStampAsync(userId, CancellationToken.None);

        Assert.That(renewed, Is.True);
        Assert.That(await StampOfAsync(userId), Is.Not.EqualTo(before));
    }

    [Test]
    public async Task Locking_after_another_request_saved_the_user_locks_on_the_fresh_row_and_keeps_that_change()
    {
        var userId = await Data.CreateUserAsync();
        var until = Data.Time.GetUtcNow().AddDays(1);
        await using var admin = await Data.ScopeWithAStaleUserAsync(userId);

        var locked = await admin.ServiceProvider.GetRequiredService<IUserAdministration>().LockAsync(userId, until, CancellationToken.None);

        await using var check = Data.NewScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(userId))!;
        Assert.That(locked, Is.True);
        Assert.That(user.LockoutEnd, Is.EqualTo(until));
        Assert.That(user.AccessFailedCount, Is.EqualTo(1), "the other request's change stays");
    }

    [Test]
    public async Task Unlocking_after_another_request_saved_the_user_unlocks_on_the_fresh_row()
    {
        var userId = await Data.CreateUserAsync();
        await using (var locking = Data.NewScope())
        {
            await locking.ServiceProvider.GetRequiredService<IUserAdministration>().LockAsync(userId, Data.Time.GetUtcNow().AddDays(1), CancellationToken.None);
        }

        await using var admin = await Data.ScopeWithAStaleUserAsync(userId);

        var unlocked = await admin.ServiceProvider.GetRequiredService<IUserAdministration>().UnlockAsync(userId, CancellationToken.None);

        var user = await FreshUserAsync(userId);
        Assert.That(unlocked, Is.True);
        Assert.That(user.LockoutEnd, Is.Null);
        Assert.That(user.AccessFailedCount, Is.Zero, "unlocking clears the count the other request raised");
    }

    [Test]
    public async Task Changing_roles_after_another_request_saved_the_user_changes_them_on_the_fresh_row()
    {
        var userId = await Data.CreateUserAsync();
        var before = await StampOfAsync(userId);
        await using var admin = await Data.ScopeWithAStaleUserAsync(userId);

        var changed = await admin.ServiceProvider.GetRequiredService<IUserAdministration>().SetRolesAsync(userId, [AppRoles.Admin], CancellationToken.None);

        await using var check = Data.NewScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.That(changed, Is.True);
        Assert.That(await users.GetRolesAsync((await users.FindByIdAsync(userId))!), Is.EqualTo(new[] { AppRoles.Admin }));
        Assert.That(await StampOfAsync(userId), Is.Not.EqualTo(before), "the stamp is renewed with the roles");
    }

    private async Task<AppUser> FreshUserAsync(string userId)
    {
        await using var scope = Data.NewScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(userId))!;
    }

    private async Task<string?> StampOfAsync(string userId)
    {
        await using var scope = Data.NewScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.GetSecurityStampAsync((await users.FindByIdAsync(userId))!);
    }
}
