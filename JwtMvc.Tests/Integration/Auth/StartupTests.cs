using System.Net;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Integration.Auth;

public sealed class StartupTests
{
    [Test]
    public async Task Outside_development_without_a_signing_key_the_app_starts_in_key_ring_mode()
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["Email:Enabled"] = "false" }) { SigningKey = null, Environment = "Production" };

        var response = await factory.CreateClient().GetAsync("/health");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no Jwt:SigningKey is not an error: the key ring signs");
    }

    [Test]
    public void A_malformed_signing_key_stops_the_start_naming_the_setting()
    {
        using var factory = new JwtMvcFactory { SigningKey = "not base64!", Environment = "Production" };

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception, Is.InstanceOf<OptionsValidationException>().Or.InnerException.InstanceOf<OptionsValidationException>());
        Assert.That(exception!.ToString(), Does.Contain("Jwt:SigningKey"));
    }

    [TestCase("Jwt:AllowQueryToken", "yes")]
    [TestCase("Jwt:AllowFormToken", "1x")]
    [TestCase("Accounts:AllowRegistration", "no")]
    [TestCase("Metrics:AllowRemote", "yes")]
    [TestCase("Redis:Configuration", "127.0.0.1:6379,pasword=x")]
    [TestCase("Jwt:MaxSessionsPerUser", "0")]
    [TestCase("Jwt:MaxSessionsPerUser", "10001")]
    [TestCase("Jwt:MaxRotationsPerSession", "9")]
    [TestCase("Jwt:AccessTokenMinutes", "0")]
    [TestCase("RateLimiting:Auth:PermitLimit", "0")]
    [TestCase("RateLimiting:Writes:WindowSeconds", "0")]
    [TestCase("Email:Smtp:Port", "70000")]
    [TestCase("Email:MinSecondsBetweenMails", "-1")]
    [TestCase("Accounts:ResetCodeMinutes", "0")]
    [TestCase("Accounts:ConfirmationCodeHours", "721")]
    public void A_setting_the_app_cannot_read_stops_the_start_naming_it(string key, string value)
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { [key] = value });

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain(key), "a bad value fails the start, not every request after it");
    }

    [Test]
    public void Outside_development_a_short_signing_key_stops_the_start()
    {
        using var factory = new JwtMvcFactory { SigningKey = Convert.ToBase64String(new byte[16]), Environment = "Production" };

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("at least 256 bits"));
    }

    [Test]
    public async Task The_health_endpoint_answers_200_without_a_token()
    {
        using var factory = new JwtMvcFactory();

        var response = await factory.CreateClient().GetAsync("/health");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}

public sealed class PublicSurfaceTests : AppFixture
{
    [TestCase("/lib/jquery/dist/jquery.min.js")]
    [TestCase("/css/site.css")]
    public async Task Static_assets_are_served_without_a_token(string path)
    {
        var response = await Factory.CreateClient().GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "scripts and styles must load before anyone signs in");
    }

    [TestCase("/no-such-page")]
    [TestCase("/api/no-such-endpoint")]
    [TestCase("/missing.js")]
    public async Task An_unknown_path_is_404(string path)
    {
        var response = await Factory.CreateClient().GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
