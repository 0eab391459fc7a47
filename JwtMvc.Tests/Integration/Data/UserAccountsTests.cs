using JwtMvc.Core.Accounts;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class UserAccountsTests : SharedDatabaseFixture
{
    [Test]
    public async Task A_display_name_set_after_another_request_changed_the_user_is_saved_on_the_fresh_row()
    {
        // Arrange: request B has read the user; then request A changes it (a wrong password counted, say).
        var userId = await Data.CreateUserAsync();
        await using var requestB = await Data.ScopeWithAStaleUserAsync(userId);

        // Act
        var set = await requestB.ServiceProvider.GetRequiredService<IUserAccounts>().SetDisplayNameAsync(userId, "Renamed", CancellationToken.None);

        // Assert
        await using var check = Data.NewScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var stored = (await users.FindByIdAsync(userId))!;
        Assert.That(set, Is.True);
        Assert.That(stored.DisplayName, Is.EqualTo("Renamed"));
        Assert.That(stored.AccessFailedCount, Is.EqualTo(1), "the other request's change stays");
    }
}
