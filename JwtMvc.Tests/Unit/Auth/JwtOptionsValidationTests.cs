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
    public void A_key_ring_setting_out_of_range_fails_naming_it_once()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Jwt:KeyRing:RotationDays"] = "0" }));

        Assert.That(exception!.Message, Does.Contain("Jwt:KeyRing:RotationDays must be between 1 and 365."));
        Assert.That(exception.Message.Split("Jwt:KeyRing:RotationDays"), Has.Length.EqualTo(2), "the setting is named once");
    }

    /// <summary>The default rotation limit lets a session live out its lifetime whatever the access token lifetime.</summary>
    [TestCase("15", "14", 10_000)]
    [TestCase("1", "14", 80_640)]
    [TestCase("15", "365", 140_160)]
    public void Unset_the_rotation_limit_is_ten_thousand_or_four_rotations_per_access_token_for_a_whole_session(string accessTokenMinutes, string refreshTokenDays, int expected)
    {
        var options = Resolve(new() { ["Jwt:AccessTokenMinutes"] = accessTokenMinutes, ["Jwt:RefreshTokenDays"] = refreshTokenDays });

        Assert.That(options.RotationLimit, Is.EqualTo(expected));
    }

    [Test]
    public void A_rotation_limit_that_would_end_sessions_before_their_lifetime_fails_naming_what_it_needs()
    {
        var exception = Assert.Throws<OptionsValidationException>(() =>
            Resolve(new() { ["Jwt:MaxRotationsPerSession"] = "10000", ["Jwt:AccessTokenMinutes"] = "1" }));

        Assert.That(exception!.Message, Does.Contain("Jwt:MaxRotationsPerSession (10000)").And.Contain("at least 40320"));
        Assert.That(Resolve(new() { ["Jwt:MaxRotationsPerSession"] = "40320", ["Jwt:AccessTokenMinutes"] = "1" }).RotationLimit, Is.EqualTo(40_320), "enough is accepted");
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
