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
    public async Task A_redemption_that_meets_another_is_made_again_on_the_fresh_row_and_brings_no_used_code_back()
    {
        // Arrange: three codes. Request B has read the user and the codes; then request A redeems code A.
        var userId = await Data.CreateUserAsync();
        await using (var setup = Data.NewScope())
        {
            await setup.ServiceProvider.GetRequiredService<ITwoFactorStore>().EnableAsync(userId, null, ["hash-a", "hash-b", "hash-c"], CancellationToken.None);
        }

        await using var requestB = Data.NewScope();
        var usersB = requestB.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await usersB.CountRecoveryCodesAsync((await usersB.FindByIdAsync(userId))!);
        await using (var requestA = Data.NewScope())
        {
            Assert.That(await requestA.ServiceProvider.GetRequiredService<ITwoFactorStore>().RedeemRecoveryCodeAsync(userId, "hash-a", CancellationToken.None), Is.True);
        }

        // Act: B redeems code B on what it read (Identity refuses the stale user, so it is made again on the fresh
        // row), then saves something else, as the sign-in does next.
        var redeemedB = await requestB.ServiceProvider.GetRequiredService<ITwoFactorStore>().RedeemRecoveryCodeAsync(userId, "hash-b", CancellationToken.None);
        await requestB.ServiceProvider.GetRequiredService<AppDbContext>().SaveChangesAsync();

        // Assert
        await using var check = Data.NewScope();
        var store = check.ServiceProvider.GetRequiredService<ITwoFactorStore>();
        Assert.That(redeemedB, Is.True, "made again on the fresh row");
        Assert.That(await store.RedeemRecoveryCodeAsync(userId, "hash-a", CancellationToken.None), Is.False, "a used code stays used");
        Assert.That(await store.RedeemRecoveryCodeAsync(userId, "hash-b", CancellationToken.None), Is.False, "B's code is used once");
        Assert.That(await store.RedeemRecoveryCodeAsync(userId, "hash-c", CancellationToken.None), Is.True, "and no other");
    }

    [Test]
    public async Task Looking_a_recovery_code_up_finds_only_unused_codes_and_uses_none()
    {
        var userId = await Data.CreateUserAsync();
        await using var scope = Data.NewScope();
        var store = scope.ServiceProvider.GetRequiredService<ITwoFactorStore>();
        await store.EnableAsync(userId, null, ["hash-a", "hash-b"], CancellationToken.None);
        await store.RedeemRecoveryCodeAsync(userId, "hash-a", CancellationToken.None);

        Assert.That(await store.HasRecoveryCodeAsync(userId, "hash-b", CancellationToken.None), Is.True);
        Assert.That(await store.HasRecoveryCodeAsync(userId, "hash-b", CancellationToken.None), Is.True, "looking up uses nothing");
        Assert.That(await store.HasRecoveryCodeAsync(userId, "hash-a", CancellationToken.None), Is.False, "a used code");
        Assert.That(await store.HasRecoveryCodeAsync(userId, "hash", CancellationToken.None), Is.False, "part of a code");
        Assert.That(await store.HasRecoveryCodeAsync("no-such-user", "hash-b", CancellationToken.None), Is.False);
        Assert.That((await store.GetStateAsync(userId, CancellationToken.None))!.RecoveryCodesLeft, Is.EqualTo(1));
    }

    [Test]
    public async Task Disabling_after_another_request_changed_the_user_removes_the_key_and_codes_on_the_fresh_row()
    {
        // Arrange: on, with a key and codes; request B has read the user, then request A changes it (a failed sign-in).
        var userId = await Data.CreateUserAsync();
        await using (var setup = Data.NewScope())
        {
            var store = setup.ServiceProvider.GetRequiredService<ITwoFactorStore>();
            var key = await store.ResetAuthenticatorKeyAsync(userId, CancellationToken.None);
            Assert.That(await store.EnableAsync(userId, key, ["hash-a", "hash-b"], CancellationToken.None), Is.True);
        }

        await using var requestB = await Data.ScopeWithAStaleUserAsync(userId);

        // Act
        await requestB.ServiceProvider.GetRequiredService<ITwoFactorStore>().DisableAsync(userId, CancellationToken.None);

        // Assert: off, and nothing of it left behind; the other request's change kept.
        await using var check = Data.NewScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByIdAsync(userId))!;
        Assert.That(user.TwoFactorEnabled, Is.False);
        Assert.That(await users.GetAuthenticatorKeyAsync(user), Is.Null, "the authenticator key is removed");
        Assert.That(await users.CountRecoveryCodesAsync(user), Is.Zero, "the recovery codes are removed");
        Assert.That(await users.GetAccessFailedCountAsync(user), Is.EqualTo(1), "the other request's change stays");
    }

    [Test]
    public async Task Enabling_is_refused_when_a_new_key_was_made_after_the_one_the_code_was_checked_against()
    {
        // Arrange: request B has read the user and key K1 (and checked the code against it); then another tab makes K2.
        var userId = await Data.CreateUserAsync();
        string first;
        await using (var setup = Data.NewScope())
        {
            first = await setup.ServiceProvider.GetRequiredService<ITwoFactorStore>().ResetAuthenticatorKeyAsync(userId, CancellationToken.None);
        }

        await using var requestB = Data.NewScope();
        var storeB = requestB.ServiceProvider.GetRequiredService<ITwoFactorStore>();
        Assert.That((await storeB.GetStateAsync(userId, CancellationToken.None))!.AuthenticatorKey, Is.EqualTo(first));
        string second;
        await using (var otherTab = Data.NewScope())
        {
            second = await otherTab.ServiceProvider.GetRequiredService<ITwoFactorStore>().ResetAuthenticatorKeyAsync(userId, CancellationToken.None);
        }

        // Act
        var enabled = await storeB.EnableAsync(userId, first, ["hash-a"], CancellationToken.None);

        // Assert
        await using var check = Data.NewScope();
        var state = await check.ServiceProvider.GetRequiredService<ITwoFactorStore>().GetStateAsync(userId, CancellationToken.None);
        Assert.That(enabled, Is.False);
        Assert.That(state!.Enabled, Is.False, "a key nobody scanned is not turned on");
        Assert.That(state.AuthenticatorKey, Is.EqualTo(second));
        Assert.That(await check.ServiceProvider.GetRequiredService<ITwoFactorStore>().EnableAsync(userId, second, ["hash-b"], CancellationToken.None), Is.True, "the latest key can be enabled");
        Assert.That(await storeB.EnableAsync(userId, second, ["hash-c"], CancellationToken.None), Is.False, "and only once");
    }

    [Test]
    public async Task Enabling_after_another_request_changed_the_user_is_made_again_on_the_fresh_row()
    {
        // Arrange: request B has read the user; then request A changes it (a wrong password counted, say).
        var userId = await Data.CreateUserAsync();
        await using var requestB = await Data.ScopeWithAStaleUserAsync(userId);

        // Act
        var enabled = await requestB.ServiceProvider.GetRequiredService<ITwoFactorStore>().EnableAsync(userId, null, ["hash-a", "hash-b"], CancellationToken.None);

        // Assert: on, with B's codes, and A's change kept.
        await using var check = Data.NewScope();
        var state = await check.ServiceProvider.GetRequiredService<ITwoFactorStore>().GetStateAsync(userId, CancellationToken.None);
        var users = check.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.That(enabled, Is.True);
        Assert.That(state, Has.Property(nameof(TwoFactorState.Enabled)).True.And.Property(nameof(TwoFactorState.RecoveryCodesLeft)).EqualTo(2));
        Assert.That(await users.GetAccessFailedCountAsync((await users.FindByIdAsync(userId))!), Is.EqualTo(1), "the other request's change stays");
    }
}
