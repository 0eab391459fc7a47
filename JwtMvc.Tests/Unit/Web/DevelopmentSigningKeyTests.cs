using JwtMvc.Core.Auth;
using JwtMvc.Web.Auth;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace JwtMvc.Tests.Unit.Web;

public sealed class DevelopmentSigningKeyTests
{
    private string contentRoot = null!;

    [SetUp]
    public void SetUp() => contentRoot = Directory.CreateTempSubdirectory("jwtmvc-key-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(contentRoot, recursive: true);

    [Test]
    public void In_development_a_missing_key_is_generated_once_and_kept_in_App_Data()
    {
        var first = new JwtOptions();
        var second = new JwtOptions();

        Configure(Environments.Development, first);
        Configure(Environments.Development, second);

        Assert.That(Convert.FromBase64String(first.SigningKey!), Has.Length.EqualTo(32), "a random 256-bit key");
        Assert.That(second.SigningKey, Is.EqualTo(first.SigningKey), "the kept key is reused after a restart");
        Assert.That(File.Exists(Path.Combine(contentRoot, "App_Data", "jwt-signing-key.txt")), Is.True);
    }

    [Test]
    public void Outside_development_nothing_is_generated()
    {
        var options = new JwtOptions();

        Configure(Environments.Production, options);

        Assert.That(options.SigningKey, Is.Null, "a missing key must fail validation, not be papered over");
        Assert.That(Directory.Exists(Path.Combine(contentRoot, "App_Data")), Is.False);
    }

    [Test]
    public void A_configured_key_is_left_alone()
    {
        var options = new JwtOptions { SigningKey = "configured" };

        Configure(Environments.Development, options);

        Assert.That(options.SigningKey, Is.EqualTo("configured"));
    }

    private void Configure(string environmentName, JwtOptions options)
    {
        var environment = new Mock<IHostEnvironment>();
        environment.SetupGet(e => e.EnvironmentName).Returns(environmentName);
        environment.SetupGet(e => e.ContentRootPath).Returns(contentRoot);
        environment.SetupGet(e => e.ContentRootFileProvider).Returns(new NullFileProvider());
        new DevelopmentSigningKey(environment.Object, NullLogger<DevelopmentSigningKey>.Instance).PostConfigure(null, options);
    }
}
