using System.Net;
using JwtMvc.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace JwtMvc.Tests.Unit.Web;

public sealed class SecurityHeadersTests
{
    [Test]
    public async Task Every_response_carries_the_csp_nosniff_and_referrer_headers()
    {
        await using var app = await StartAppAsync(Environments.Development);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("/page", UriKind.Relative));

        var csp = string.Join(",", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Multiple(() =>
        {
            foreach (var directive in new[]
            {
                "default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'",
                "frame-ancestors 'none'", "form-action 'self'",
            })
            {
                Assert.That(csp.Split("; "), Does.Contain(directive), $"the CSP should contain {directive}");
            }

            Assert.That(csp, Does.Not.Contain("unsafe-inline"), "the CSP must not allow inline script or style");
            Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), "responses should say nosniff");
            Assert.That(response.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }), "responses should send no referrer");
        });
    }

    [Test]
    public async Task Error_responses_keep_the_headers()
    {
        await using var app = await StartAppAsync(Environments.Development);
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("/fails", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError), "the endpoint throws");
        Assert.That(response.Headers.Contains("Content-Security-Policy"), Is.True, "an error page written by the exception handler should still carry the CSP");
    }

    [Test]
    public async Task Configured_connect_sources_are_added_to_connect_src_only()
    {
        await using var app = await StartAppAsync(Environments.Development, ("SecurityHeaders:ConnectSources:0", "https://api.example"));
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("/page", UriKind.Relative));

        var directives = string.Join(",", response.Headers.GetValues("Content-Security-Policy")).Split("; ");
        Assert.That(directives, Does.Contain("connect-src 'self' https://api.example"), "the configured origin should be allowed for connections");
        Assert.That(directives, Does.Contain("script-src 'self'"), "scripts stay limited to the app's origin");
    }

    [Test]
    public async Task Outside_development_http_is_redirected_to_https_with_the_security_headers_and_https_gets_hsts()
    {
        await using var app = await StartAppAsync(Environments.Production, ("https_port", "443"));
        using var client = app.GetTestClient();

        using var plain = await client.GetAsync(new Uri("http://jwtmvc.example/page"));
        using var secure = await client.GetAsync(new Uri("https://jwtmvc.example/page"));

        Assert.That((int)plain.StatusCode, Is.EqualTo(307).Or.EqualTo(308), "plain HTTP should be redirected outside Development");
        Assert.That(plain.Headers.Location?.Scheme, Is.EqualTo("https"), "the redirect should go to HTTPS");
        Assert.That(plain.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }), "the redirect carries the security headers too");
        Assert.That(plain.Headers.GetValues("Referrer-Policy"), Is.EqualTo(new[] { "no-referrer" }), "the redirect carries the security headers too");
        Assert.That(secure.Headers.Contains("Strict-Transport-Security"), Is.True, "HTTPS responses should carry HSTS outside Development");
    }

    [Test]
    public async Task Development_neither_redirects_nor_sends_hsts()
    {
        await using var app = await StartAppAsync(Environments.Development, ("https_port", "443"));
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(new Uri("http://jwtmvc.example/page"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Development serves plain HTTP");
        Assert.That(response.Headers.Contains("Strict-Transport-Security"), Is.False, "no HSTS in Development");
    }

    private static async Task<WebApplication> StartAppAsync(string environment, params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddSecurityHeaders();
        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler(error => error.Run(context => context.Response.WriteAsync("failed")));
        app.MapGet("/page", () => "page");
        app.MapGet("/fails", IResult () => throw new InvalidOperationException("boom"));
        await app.StartAsync();
        return app;
    }
}
