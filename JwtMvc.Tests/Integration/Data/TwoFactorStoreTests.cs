using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class TwoFactorStoreTests : SharedDatabaseFixture
{
    [Test]
    public async Task A_redemption_that_loses_the_race_leaves_nothing_pending_that_would_bring_a_used_code_back()
    {
        // Arrange: three codes. Request B has read the user and the codes; then request A redeems code A.
        var userId = await Data.CreateUserAsync();
        await using (var setup = Data.NewScope())
        {
            await setup.ServiceProvider.GetRequiredService<ITwoFactorStore>().EnableAsync(userId, ["hash-a", "hash-b", "hash-c"], CancellationToken.None);
        }

        await using var requestB = Data.NewScope();
        var usersB = requestB.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await usersB.CountRecoveryCodesAsync((await usersB.FindByIdAsync(userId))!);
        await using (var requestA = Data.NewScope())
        {
            Assert.That(await requestA.ServiceProvider.GetRequiredService<ITwoFactorStore>().RedeemRecoveryCodeAsync(userId, "hash-a", CancellationToken.None), Is.True);
        }

        // Act: B redeems code B on what it read (Identity refuses the stale user), then saves something else, as
        // the sign-in does when it records the failure.
        var redeemedB = await requestB.ServiceProvider.GetRequiredService<ITwoFactorStore>().RedeemRecoveryCodeAsync(userId, "hash-b", CancellationToken.None);
        await requestB.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync();

        // Assert
        await using var check = Data.NewScope();
        var store = check.ServiceProvider.GetRequiredService<ITwoFactorStore>();
        Assert.That(redeemedB, Is.False, "the redemption on a stale user record is refused");
        Assert.That(await store.RedeemRecoveryCodeAsync(userId, "hash-a", CancellationToken.None), Is.False, "a used code stays used");
        Assert.That(await store.RedeemRecoveryCodeAsync(userId, "hash-b", CancellationToken.None), Is.True, "the refused redemption did not use its code");
    }
}
