using System.Net;
using System.Net.Http.Json;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// A password stored under an older hash (fewer iterations, say) is upgraded by the sign-in that proves it. Identity
/// renews the security stamp when it does, and a sign-in refuses itself when the stamp changes under it: the upgrade must
/// keep the stamp.
/// </summary>
public sealed class PasswordRehashTests : AppFixture
{
    [Test]
    public async Task A_sign_in_that_upgrades_an_old_password_hash_signs_in_and_keeps_the_stamp()
    {
        // Arrange
        var (_, userName, password) = await Factory.NewUserAsync();
        var (oldHash, stamp) = await WithOldHashAsync(userName, password);

        // Act
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password });

        // Assert
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        await using var scope = Factory.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByNameAsync(userName))!;
        Assert.That(user.PasswordHash, Is.Not.EqualTo(oldHash), "the hash was upgraded");
        Assert.That(user.SecurityStamp, Is.EqualTo(stamp), "and the stamp kept");
    }

    private async Task<(string Hash, string? Stamp)> WithOldHashAsync(string userName, string password)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByNameAsync(userName))!;
        var weaker = new PasswordHasher<AppUser>(Options.Create(new PasswordHasherOptions { IterationCount = 1_000 }));
        user.PasswordHash = weaker.HashPassword(user, password);
        Assert.That(users.PasswordHasher.VerifyHashedPassword(user, user.PasswordHash, password), Is.EqualTo(PasswordVerificationResult.SuccessRehashNeeded));
        Assert.That((await users.UpdateAsync(user)).Succeeded, Is.True);
        return (user.PasswordHash, user.SecurityStamp);
    }
}
