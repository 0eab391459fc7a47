using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class UserDirectoryTests : SharedDatabaseFixture
{
    private const string Password = "Passw0rd!";

    [Test]
    public async Task The_right_password_signs_in_by_user_name_or_email_with_roles()
    {
        // Arrange
        var registered = await RegisterAsync();

        // Act
        var byName = await CheckAsync(registered.UserName, Password);
        var byEmail = await CheckAsync(registered.Email!, Password);

        // Assert
        Assert.That(byName, Is.InstanceOf<PasswordCheck.Success>());
        Assert.That(byEmail, Is.InstanceOf<PasswordCheck.Success>(), "an e-mail address signs in too");
        var user = ((PasswordCheck.Success)byName).User;
        Assert.That(user.Id, Is.EqualTo(registered.Id));
        Assert.That(user.Roles, Is.EqualTo(new[] { AppRoles.User }));
    }

    [Test]
    public async Task Wrong_password_and_unknown_user_give_the_same_outcome()
    {
        // Arrange
        var registered = await RegisterAsync();

        // Act
        var wrongPassword = await CheckAsync(registered.UserName, "Wrong#12345");
        var unknownUser = await CheckAsync("nobody-" + Guid.NewGuid().ToString("N"), "Wrong#12345");

        // Assert
        // Only the security event log learns whose account it was; the sign-in outcome is the same.
        Assert.That(wrongPassword, Is.EqualTo(new PasswordCheck.InvalidCredentials(registered.Id)));
        Assert.That(unknownUser, Is.EqualTo(new PasswordCheck.InvalidCredentials()), "an unknown user must be indistinguishable from a wrong password");
    }

    [Test]
    public async Task Five_wrong_passwords_lock_the_user_for_five_minutes()
    {
        // Arrange
        var registered = await RegisterAsync();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            Assert.That(await CheckAsync(registered.UserName, "Wrong#12345"), Is.InstanceOf<PasswordCheck.InvalidCredentials>());
        }

        // Act
        var fifth = await CheckAsync(registered.UserName, "Wrong#12345");
        var rightWhileLocked = await CheckAsync(registered.UserName, Password);
        var wrongWhileLocked = await CheckAsync(registered.UserName, "Wrong#12345");

        // Assert
        Assert.That(fifth, Is.EqualTo(new PasswordCheck.InvalidCredentials(registered.Id, NowLockedOut: true)), "the fifth failure locks the account");
        Assert.That(
            rightWhileLocked,
            Is.EqualTo(new PasswordCheck.LockedOut(Data.Time.GetUtcNow().AddMinutes(5), registered.Id)),
            "the right password while locked out reports the lockout and its end");
        Assert.That(wrongWhileLocked, Is.InstanceOf<PasswordCheck.InvalidCredentials>(), "a wrong password while locked out learns nothing");
        Assert.That(await AccessFailedCountAsync(registered.Id), Is.Zero, "failures while locked out are not counted");
    }

    [Test]
    public async Task The_lockout_ends_after_five_minutes()
    {
        // Arrange
        var registered = await RegisterAsync();
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await CheckAsync(registered.UserName, "Wrong#12345");
        }

        // Act
        Data.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var afterLockout = await CheckAsync(registered.UserName, Password);

        // Assert
        Assert.That(afterLockout, Is.InstanceOf<PasswordCheck.Success>(), "the lockout lasts five minutes");
    }

    [Test]
    public async Task A_right_password_resets_the_failure_count()
    {
        // Arrange
        var registered = await RegisterAsync();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await CheckAsync(registered.UserName, "Wrong#12345");
        }

        // Act
        await CheckAsync(registered.UserName, Password);
        var nextWrong = await CheckAsync(registered.UserName, "Wrong#12345");
        var thenRight = await CheckAsync(registered.UserName, Password);

        // Assert
        Assert.That(nextWrong, Is.InstanceOf<PasswordCheck.InvalidCredentials>());
        Assert.That(thenRight, Is.InstanceOf<PasswordCheck.Success>(), "earlier failures must not count after a success");
    }

    [Test]
    public async Task Registering_a_taken_user_name_or_email_gets_one_error_that_does_not_say_which()
    {
        // Arrange
        var registered = await RegisterAsync();
        await using var scope = Data.NewScope();
        var directory = scope.ServiceProvider.GetRequiredService<IUserDirectory>();

        // Act
        var sameName = await directory.RegisterAsync(registered.UserName, "other-" + registered.Email, Password, CancellationToken.None);
        var sameEmail = await directory.RegisterAsync("other-" + registered.UserName, registered.Email!, Password, CancellationToken.None);

        // Assert
        Assert.That(sameName.Errors.Select(e => (e.Field, e.Code)), Is.EqualTo(new[] { ("", "NameOrEmailUnavailable") }), "a taken user name");
        Assert.That(sameEmail.Errors, Is.EqualTo(sameName.Errors), "a taken email gets the very same answer");
    }

    [Test]
    public async Task Registering_with_a_weak_password_reports_each_rule_on_the_password_field()
    {
        // Arrange
        await using var scope = Data.NewScope();
        var directory = scope.ServiceProvider.GetRequiredService<IUserDirectory>();
        var name = "weak-" + Guid.NewGuid().ToString("N")[..8];

        // Act
        var outcome = await directory.RegisterAsync(name, name + "@example.test", "abc", CancellationToken.None);

        // Assert
        Assert.That(outcome.Succeeded, Is.False);
        Assert.That(outcome.Errors.Select(e => e.Field).Distinct(), Is.EqualTo(new[] { "password" }));
        Assert.That(outcome.Errors.Select(e => e.Code), Does.Contain("PasswordTooShort"));
        Assert.That(await directory.CheckPasswordAsync(name, "abc", CancellationToken.None), Is.InstanceOf<PasswordCheck.InvalidCredentials>(), "nothing is stored");
    }

    [Test]
    public async Task Changing_the_password_with_a_wrong_current_one_names_currentPassword()
    {
        // Arrange
        var registered = await RegisterAsync();
        await using var scope = Data.NewScope();
        var directory = scope.ServiceProvider.GetRequiredService<IUserDirectory>();

        // Act
        var wrongCurrent = await directory.ChangePasswordAsync(registered.Id, "Wrong#12345", "Better#12345", CancellationToken.None);
        var weakNew = await directory.ChangePasswordAsync(registered.Id, Password, "abc", CancellationToken.None);
        var changed = await directory.ChangePasswordAsync(registered.Id, Password, "Better#12345", CancellationToken.None);

        // Assert
        Assert.That(wrongCurrent.Errors.Select(e => (e.Field, e.Code)), Is.EqualTo(new[] { ("currentPassword", "PasswordMismatch") }));
        Assert.That(weakNew.Errors.Select(e => e.Field).Distinct(), Is.EqualTo(new[] { "newPassword" }));
        Assert.That(changed.Succeeded, Is.True);
        Assert.That(await CheckAsync(registered.UserName, "Better#12345"), Is.InstanceOf<PasswordCheck.Success>());
    }

    private async Task<AuthUser> RegisterAsync()
    {
        var name = "user-" + Guid.NewGuid().ToString("N")[..12];
        await using var scope = Data.NewScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<IUserDirectory>()
            .RegisterAsync(name, name + "@example.test", Password, CancellationToken.None);
        Assert.That(outcome.Succeeded, Is.True, () => string.Join(" ", outcome.Errors.Select(e => e.Message)));
        return outcome.Value!;
    }

    private async Task<PasswordCheck> CheckAsync(string userNameOrEmail, string password)
    {
        await using var scope = Data.NewScope();
        return await scope.ServiceProvider.GetRequiredService<IUserDirectory>()
            .CheckPasswordAsync(userNameOrEmail, password, CancellationToken.None);
    }

    private async Task<int> AccessFailedCountAsync(string userId)
    {
        await using var scope = Data.NewScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.GetAccessFailedCountAsync((await users.FindByIdAsync(userId))!);
    }
}
