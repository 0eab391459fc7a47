using System.Net;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Passkeys;

/// <summary>An admin's "reset 2FA" removes the passkeys and renews the stamp; a passkey sign-in in between must not get through.</summary>
public sealed class PasskeyResetRaceTests
{
    [Test]
    public async Task Once_a_reset_has_renewed_the_stamp_the_users_passkeys_no_longer_sign_in()
    {
        // Arrange: the admin's reset holds right after it renewed the stamp (turning the authenticator off).
        var pause = new Pause();
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["App:PublicBaseUrl"] = "http://localhost" })
        {
            TestServices = services => services.RunAfter<ITwoFactorStore, TwoFactorStore>(nameof(ITwoFactorStore.DisableAsync), _ => pause.WaitIfArmedAsync()),
        };
        var (user, userName, _) = await factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(authenticator);
        var admin = await factory.LoginAsync("admin");
        var userId = (await admin.FindUserAsync(userName)).Id;
        pause.Arm();
        var resetting = admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{userId}/reset-2fa");
        await pause.Paused.WaitAsync(TimeSpan.FromSeconds(20));

        // Act: a passkey sign-in reads the renewed stamp, so comparing it again after its session is stored cannot catch it.
        var browser = factory.CreateBrowserClient(out _);
        var signIn = await browser.PasskeyLoginAsync(authenticator.Get(await browser.RequestOptionsAsync()));
        pause.Release();
        var reset = await resetting.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await reset.Content.ReadAsStringAsync());
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the passkeys are gone before the stamp is renewed");
        Assert.That(await admin.SessionsOfAsync(userId), Is.Empty);
    }
}
