using Microsoft.Playwright;

namespace JwtMvc.Tests.Browser;

/// <summary>
/// A refresh answer lost on the way back (a train entering a tunnel): the server rotated the cookie, the page never
/// got the new one. auth.js sends the refresh again within seconds, the server's retry window answers the old
/// cookie with the same successor, and the user stays signed in.
/// </summary>
[Category("Browser")]
public sealed class LostRefreshAnswerTests : BrowserTest
{
    [Test]
    public async Task A_refresh_whose_answer_is_lost_is_sent_again_and_the_page_keeps_working()
    {
        await SignInAsync(Page, "alice", "Alice#12345");
        await StoreExpiredTokenAsync(Page);
        var presentedCookies = new List<string?>();
        var lostAnswerStatus = 0;
        await Page.RouteAsync("**/api/auth/refresh", async route =>
        {
            var held = CookieValue(await route.Request.HeaderValueAsync("cookie"));
            presentedCookies.Add(held);
            if (presentedCookies.Count == 1)
            {
                var answer = await route.FetchAsync(); // the server rotates the cookie ...
                lostAnswerStatus = answer.Status;
                // ... Playwright's fetch stores the answer's Set-Cookie in the context; a browser whose answer was
                // lost never saw it, so the cookie it held goes back ...
                await Context.AddCookiesAsync([HeldCookie(held!)]);
                await route.AbortAsync(); // ... and the answer never reaches the page
            }
            else
            {
                await route.ContinueAsync();
            }
        });

        var userName = await Page.EvaluateAsync<string>(CallMeScript);
        await StoreExpiredTokenAsync(Page);
        var nextUserName = await Page.EvaluateAsync<string>(CallMeScript);

        Assert.That(lostAnswerStatus, Is.EqualTo(200), "the first refresh reached the server and rotated the cookie");
        Assert.That(userName, Is.EqualTo("alice"), "the call that needed the refresh succeeds after the refresh is sent again");
        Assert.That(presentedCookies, Has.Count.EqualTo(3), "the lost refresh, its retry, and the next call's refresh");
        Assert.That(presentedCookies[1], Is.EqualTo(presentedCookies[0]).And.Not.Null, "the retry presented the old cookie: the page never got the new one");
        Assert.That(presentedCookies[2], Is.Not.EqualTo(presentedCookies[0]), "the retry's answer set the successor cookie");
        Assert.That(nextUserName, Is.EqualTo("alice"), "the session goes on: the successor rotates normally");
        Assert.That(PathAndQuery(Page), Does.Not.StartWith("/account/login"), "no new sign-in was needed");
    }

    private static Cookie HeldCookie(string value) => new()
    {
        Name = "jwtmvc.refresh",
        Value = value,
        Domain = new Uri(Server.BaseUrl).Host,
        Path = "/api/auth",
        HttpOnly = true,
        SameSite = SameSiteAttribute.Strict,
    };

    private static string? CookieValue(string? header) =>
        header?.Split(';').Select(part => part.Trim()).FirstOrDefault(part => part.StartsWith("jwtmvc.refresh=", StringComparison.Ordinal))?["jwtmvc.refresh=".Length..];
}
