using JwtMvc.Core.Admin;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>
/// An admin's lock and "revoke sessions" renew the user's stamp. Whoever holds the account may keep saving it (each
/// failed sign-in does): the admin's change is made again on the fresh row, not refused.
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

    private async Task<string?> StampOfAsync(string userId)
    {
        await using var scope = Data.NewScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.GetSecurityStampAsync((await users.FindByIdAsync(userId))!);
    }
}
