using System.Security.Cryptography;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>An admin's "reset 2FA" removes every passkey, though the user is saved meanwhile (a passkey sign-in saves its counter).</summary>
[TestFixture]
public sealed class PasskeyRemovalTests : SharedDatabaseFixture
{
    [Test]
    public async Task Removing_every_passkey_after_another_request_saved_the_user_removes_them_all()
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        await using (var scope = Data.NewScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByIdAsync(userId))!;
            foreach (var _ in Enumerable.Range(0, 2))
            {
                var passkey = new UserPasskeyInfo(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(77), Data.Time.GetUtcNow(), 0, null, true, false, false, [], []);
                Assert.That((await users.AddOrUpdatePasskeyAsync(user, passkey)).Succeeded, Is.True);
            }
        }

        await using var admin = await Data.ScopeWithAStaleUserAsync(userId);

        // Act
        var removed = await admin.ServiceProvider.GetRequiredService<IPasskeyStore>().RemoveAllAsync(userId, CancellationToken.None);

        // Assert
        await using var check = Data.NewScope();
        var fresh = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.That(removed, Is.EqualTo(2));
        Assert.That(await fresh.GetPasskeysAsync((await fresh.FindByIdAsync(userId))!), Is.Empty, "none is left to sign in with");
    }
}
