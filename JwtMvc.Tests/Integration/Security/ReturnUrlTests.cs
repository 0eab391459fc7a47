using System.Net;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace JwtMvc.Tests.Integration.Security;

/// <summary>
/// The server never follows or echoes a <c>returnUrl</c>: the login and register pages are static shells and the
/// page script decides (it goes only to the page's own origin). Whatever the trick, the server's answer is the
/// same shell: no redirect, and nothing of the value in the page.
/// </summary>
public sealed class ReturnUrlTests : AppFixture
{
    private static readonly string[] Tricks =
    [
        "//evil.example",
        "/.//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/%2e%2e//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\"><script>alert(1)</script>",
    ];

    [Test]
    public async Task The_account_pages_neither_redirect_to_nor_reflect_a_returnUrl(
        [Values("/account/login", "/account/register")] string page,
        [ValueSource(nameof(Tricks))] string trick)
    {
        var plain = await (await Factory.CreateClient().GetAsync(page)).Content.ReadAsStringAsync();

        // Redirects not followed, so one would show as itself.
        var response = await Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).GetAsync($"{page}?returnUrl={Uri.EscapeDataString(trick)}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page is served, not a redirect");
        Assert.That(response.Headers.Location, Is.Null, "the server sends the browser nowhere");
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(plain), "the page is the same shell with or without a returnUrl");
    }
}
