using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>
/// Sign-ins for one account that arrive at the same moment: each reads the user, checks the password (tens of
/// milliseconds), then writes the user's failure count. Identity's concurrency stamp refuses all but the first write.
/// </summary>
public sealed class ConcurrentSignInTests : AppFixture
{
    private const int AtOnce = 4;

    [Test]
    public async Task Wrong_passwords_sent_at_once_each_count_toward_the_lockout_and_none_fails_with_500()
    {
        var userName = AdminApi.NewUserName("parallel-guess");
        await Factory.NewCustomerAsync(userName);

        var guesses = await Task.WhenAll(Enumerable.Range(0, AtOnce).Select(i => LoginAsync(userName, $"guess-{i}")));
        var fifth = await LoginAsync(userName, "guess-5");
        var right = await LoginAsync(userName, JwtMvcFactory.PasswordOf(userName));

        Assert.That(guesses.Select(g => g.StatusCode), Is.All.EqualTo(HttpStatusCode.Unauthorized), "a wrong password at the same time as others is a 401, not a 500");
        Assert.That(fifth.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(right.StatusCode, Is.EqualTo((HttpStatusCode)423), "four guesses at once and one more are five failures: the account is locked");
    }

    [Test]
    public async Task Right_passwords_sent_at_once_after_a_wrong_one_all_sign_in()
    {
        var userName = AdminApi.NewUserName("parallel-tabs");
        await Factory.NewCustomerAsync(userName);
        Assert.That((await LoginAsync(userName, "typo")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var logins = await Task.WhenAll(Enumerable.Range(0, AtOnce).Select(_ => LoginAsync(userName, JwtMvcFactory.PasswordOf(userName))));

        Assert.That(logins.Select(l => l.StatusCode), Is.All.EqualTo(HttpStatusCode.OK), "each sign-in clears the failure count; racing to clear it is no error");
    }

    private Task<HttpResponseMessage> LoginAsync(string userName, string password) =>
        Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName, password });
}
