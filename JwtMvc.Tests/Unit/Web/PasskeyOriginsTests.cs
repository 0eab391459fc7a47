using JwtMvc.Web.Auth.Passkeys;
using JwtMvc.Web.Email;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Moq;

namespace JwtMvc.Tests.Unit.Web;

public sealed class PasskeyOriginsTests
{
    [TestCase("https://auth.example.com", true)]
    [TestCase("https://auth.example.com:443", true)]
    [TestCase("http://auth.example.com", false)]
    [TestCase("https://auth.example.com:8443", false)]
    [TestCase("https://evil.example.com", false)]
    [TestCase("https://auth.example.com.evil.test", false)]
    [TestCase("https://auth.example.com/", false)]
    [TestCase("null", false)]
    [TestCase("", false)]
    public void Outside_development_only_the_public_base_url_is_an_allowed_origin(string origin, bool allowed)
    {
        var origins = Origins("Production", "https://auth.example.com/app", "http://127.0.0.1:5000");

        Assert.That(origins.IsAllowed(origin), Is.EqualTo(allowed), origin);
    }

    [TestCase("http://localhost:5000", true)]
    [TestCase("http://127.0.0.1:5000", true)]
    [TestCase("http://localhost:5001", false)]
    [TestCase("https://localhost:5000", false)]
    [TestCase("http://evil.test:5000", false)]
    public void In_development_the_apps_own_urls_are_allowed_also_by_the_relying_party_name(string origin, bool allowed)
    {
        var origins = Origins("Development", null, "http://127.0.0.1:5000");

        Assert.That(origins.IsAllowed(origin), Is.EqualTo(allowed), origin);
    }

    private static PasskeyOrigins Origins(string environmentName, string? publicBaseUrl, string listening)
    {
        var features = new FeatureCollection();
        var addresses = new ServerAddressesFeature();
        addresses.Addresses.Add(listening);
        features.Set<IServerAddressesFeature>(addresses);
        var server = new Mock<IServer>();
        server.SetupGet(s => s.Features).Returns(features);
        var environment = new Mock<IHostEnvironment>();
        environment.SetupGet(e => e.EnvironmentName).Returns(environmentName);
        return new PasskeyOrigins(
            Microsoft.Extensions.Options.Options.Create(new PasskeyOptions { ServerDomain = publicBaseUrl is null ? "localhost" : "auth.example.com" }),
            Microsoft.Extensions.Options.Options.Create(new AppOptions { PublicBaseUrl = publicBaseUrl }),
            environment.Object,
            server.Object);
    }
}
