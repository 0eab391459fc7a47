using System.Net;
using JwtMvc.Core.Accounts;
using JwtMvc.Data.Email;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Accounts;

/// <summary>A reset ends every session though its client goes away once the new password is stored (see ClientGoneTests).</summary>
public sealed class PasswordResetClientGoneTests : EmailFixture
{
    protected override Action<IServiceCollection>? TestServices =>
        services => services.AbortRequestAfter<IUserAccounts, UserAccounts>(nameof(IUserAccounts.ResetPasswordAsync));

    [Test]
    public async Task A_reset_whose_client_went_away_once_the_password_was_stored_still_ends_every_session()
    {
        // Arrange
        var account = await RegisterAsync();
        var signedIn = await Factory.LoginAsync(account.UserName, account.Password);
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var link = await WaitForLinkAsync(account.Email, "Reset your JwtMvc password");

        // Act
        var answered = await PostAsync("/api/account/reset-password", new { userId = link.UserId, code = link.Code, newPassword = "Renewed#54321" }).AnsweredAsync();

        // Assert
        Assert.That(answered, Is.False, "arranged: the client went away before the answer");
        var ended = await ClusterFixture.EventuallyAsync(
            async () => (await signedIn.GetAsync("/api/me")).StatusCode == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10));
        Assert.That(ended, Is.True, "the session must end though the reset's client went away");
        Assert.That((await signedIn.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
