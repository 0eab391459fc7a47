using JwtMvc.Core;
using JwtMvc.Core.Auth;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Unit.Auth;

public sealed class JwtOptionsValidationTests
{
    [Test]
    public void Without_a_signing_key_the_key_ring_signs_ES256()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.That(options.UsesSharedSecret, Is.False, "no Jwt:SigningKey means key-ring mode, not a failed start");
        Assert.That(options.SigningAlgorithm, Is.EqualTo("ES256"));
    }

    [Test]
    public void With_a_signing_key_tokens_are_HS256_whatever_Jwt_Algorithm_says()
    {
        var options = Resolve(new() { ["Jwt:SigningKey"] = TestKeys.NewSigningKey(), ["Jwt:Algorithm"] = "RS256" });

        Assert.That(options.SigningAlgorithm, Is.EqualTo("HS256"));
    }

    [TestCase("HS256")]
    [TestCase("none")]
    [TestCase("es256")]
    public void A_key_ring_algorithm_other_than_ES256_or_RS256_fails_naming_the_setting(string algorithm)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Jwt:Algorithm"] = algorithm }));

        Assert.That(exception!.Message, Does.Contain("Jwt:Algorithm"));
    }

    [Test]
    public void An_announce_lead_as_long_as_the_rotation_period_fails()
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["Jwt:KeyRing:AnnounceHours"] = "48", ["Jwt:KeyRing:RotationDays"] = "2" }));

        Assert.That(exception!.Message, Does.Contain("Jwt:KeyRing:AnnounceHours"));
    }

    [Test]
    public void A_blank_signing_key_fails_naming_the_setting()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Jwt:SigningKey"] = "   " }));

        Assert.That(exception!.Message, Does.Contain("Jwt:SigningKey"));
    }

    [Test]
    public void A_signing_key_shorter_than_256_bits_fails()
    {
        var shortKey = Convert.ToBase64String(new byte[31]);

        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Jwt:SigningKey"] = shortKey }));

        Assert.That(exception!.Message, Does.Contain("at least 256 bits"));
    }

    [Test]
    public void A_signing_key_that_is_not_base64_fails()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Jwt:SigningKey"] = "not base64 at all!" }));

        Assert.That(exception!.Message, Does.Contain("base64"));
    }

    [Test]
    public void An_access_token_lifetime_of_zero_fails()
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["Jwt:SigningKey"] = TestKeys.NewSigningKey(), ["Jwt:AccessTokenMinutes"] = "0" }));

        Assert.That(exception!.Message, Does.Contain("AccessTokenMinutes"));
    }

    [Test]
    public void A_valid_configuration_binds_with_safe_defaults()
    {
        var options = Resolve(new() { ["Jwt:SigningKey"] = TestKeys.NewSigningKey() });

        Assert.Multiple(() =>
        {
            Assert.That(options.ClockSkewSeconds, Is.EqualTo(30));
            Assert.That(options.AccessTokenMinutes, Is.EqualTo(15));
            Assert.That(options.RefreshTokenDays, Is.EqualTo(14));
        });
    }

    private static JwtOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var provider = new ServiceCollection().AddJwtMvcCore(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<JwtOptions>>().Value;
    }
}
