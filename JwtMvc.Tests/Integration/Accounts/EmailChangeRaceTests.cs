using System.Net;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Accounts;

/// <summary>
/// An email change asked for with the password the owner is changing at that moment: the job must carry the account's
/// state from before the change, so the change voids it like any job queued earlier.
/// </summary>
public sealed class EmailChangeRaceTests : EmailFixture
{
    private readonly PausingPasswordHasher hasher = new();

    protected override Action<IServiceCollection> TestServices => services => services.AddSingleton<IPasswordHasher<AppUser>>(hasher);

    [OneTimeTearDown]
    public void DisposeHasher() => hasher.Dispose();

    [Test]
    public async Task A_password_change_that_commits_while_the_old_password_is_checked_voids_the_email_change()
    {
        // Arrange: the attacker holds a session and the old password; one earlier wrong guess is on the account.
        var account = await RegisterAsync();
        await Smtp.WaitForMessageAsync(account.Email, "Confirm your email address");
        var attacker = await Factory.LoginAsync(account.UserName, account.Password);
        var owner = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"taken-over-{Guid.NewGuid():N}@example.test";
        var guess = await attacker.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = "Wrong#12345" });

        // Act: the attacker's request checks the old password; meanwhile the owner changes it.
        hasher.PauseNextCheck();
        var asking = attacker.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        await hasher.Paused.WaitAsync(TimeSpan.FromSeconds(20));
        var changed = await owner.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = account.Password, newPassword = "Changed#12345" });
        hasher.Resume();
        var asked = await asking.WaitAsync(TimeSpan.FromSeconds(20));
        await WaitForOutboxDrainedAsync();

        // Assert
        Assert.That(guess.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(asked.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the old password was right when it was checked");
        Assert.That(Smtp.To(newEmail), Is.Empty, "no link to the new address after the password changed");
    }
}
