using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class EmailStartupTests
{
    [Test]
    public void Outside_development_email_without_an_smtp_host_stops_the_start_naming_the_setting()
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["App:PublicBaseUrl"] = "https://jwtmvc.example.test" }) { Environment = "Production" };

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("Email:Smtp:Host"));
    }

    [Test]
    public void Outside_development_email_without_a_public_base_url_stops_the_start_naming_the_setting()
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["Email:Smtp:Host"] = "127.0.0.1" }) { Environment = "Production" };

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("App:PublicBaseUrl"));
    }

    [Test]
    public async Task Outside_development_email_off_needs_neither()
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["Email:Enabled"] = "false" }) { Environment = "Production" };

        var response = await factory.CreateClient().GetAsync("/health");

        Assert.That(response.IsSuccessStatusCode, Is.True);
    }
}
