using System.Text.Json.Nodes;
using JwtMvc.Core.Auth;
using JwtMvc.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Tests.Unit.Auth;

/// <summary>What the validation parameters JwtBearer uses accept and refuse.</summary>
public sealed class AccessTokenValidationTests
{
    private static readonly JsonWebTokenHandler Handler = new();
    private TokenServiceBuilder builder = null!;
    private Guid sessionId;

    [SetUp]
    public void SetUp()
    {
        builder = new TokenServiceBuilder();
        sessionId = Guid.NewGuid();
    }

    [Test]
    public async Task A_freshly_issued_token_is_valid_and_carries_the_contract_claims()
    {
        var token = builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token;

        var result = await ValidateAsync(token);

        Assert.That(result.IsValid, Is.True, () => $"a fresh token must validate: {result.Exception}");
        var (header, payload) = JwtForge.Decode(token);
        Assert.Multiple(() =>
        {
            Assert.That((string?)header["typ"], Is.EqualTo("at+jwt"), "RFC 9068 explicit typing");
            Assert.That((string?)header["alg"], Is.EqualTo("HS256"));
            Assert.That((string?)header["kid"], Is.Not.Empty, "kid lets keys rotate");
            Assert.That((string?)payload["iss"], Is.EqualTo("jwtmvc"));
            Assert.That((string?)payload["aud"], Is.EqualTo("jwtmvc"));
            Assert.That((string?)payload["sub"], Is.EqualTo("alice-id"));
            Assert.That((string?)payload["name"], Is.EqualTo("alice"));
            Assert.That((string?)payload["sid"], Is.EqualTo(sessionId.ToString()));
            Assert.That((string?)payload["jti"], Is.Not.Empty);
            Assert.That(payload.ContainsKey("iat"), Is.True, "iat is required");
            Assert.That(payload.ContainsKey("nbf"), Is.True, "nbf is required");
            Assert.That(payload.ContainsKey("exp"), Is.True, "exp is required");
            Assert.That((long)payload["exp"]! - (long)payload["iat"]!, Is.EqualTo(15 * 60), "default lifetime is 15 minutes");
        });
    }

    [Test]
    public async Task A_user_with_two_roles_gets_one_role_claim_per_role()
    {
        var admin = TokenServiceBuilder.Alice with { Roles = ["Admin", "User"] };
        var token = builder.Build().CreateAccessToken(admin, sessionId).Token;

        var result = await ValidateAsync(token);

        Assert.That(result.ClaimsIdentity.FindAll("role").Select(c => c.Value), Is.EquivalentTo(new[] { "Admin", "User" }));
    }

    [Test]
    public async Task A_tampered_payload_is_refused()
    {
        var token = builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token;
        var tampered = JwtForge.TamperPayload(token, "sub", "bob-id");

        var result = await ValidateAsync(tampered);

        Assert.That(result.IsValid, Is.False, "a changed payload must break the signature");
        Assert.That(result.Exception, Is.InstanceOf<SecurityTokenInvalidSignatureException>());
    }

    [Test]
    public async Task A_token_with_alg_none_is_refused()
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        header["alg"] = "none";

        var result = await ValidateAsync(JwtForge.Sign(header, payload, hmacKey: null));

        Assert.That(result.IsValid, Is.False, "unsigned tokens must never be accepted");
    }

    [Test]
    public async Task A_token_signed_with_another_key_is_refused_even_with_the_right_kid()
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);

        var result = await ValidateAsync(JwtForge.Sign(header, payload, Convert.FromBase64String(TestKeys.NewSigningKey())));

        Assert.That(result.IsValid, Is.False, "a token signed with a foreign key must be refused");
        Assert.That(result.Exception, Is.InstanceOf<SecurityTokenInvalidSignatureException>());
    }

    [Test]
    public async Task A_token_using_another_hmac_algorithm_is_refused()
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        header["alg"] = "HS512";
        var key = Convert.FromBase64String(builder.Options.SigningKey!);
        var signingInput = JwtForge.Sign(header, payload, hmacKey: null).TrimEnd('.');
        var signature = Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA512.HashData(key, System.Text.Encoding.ASCII.GetBytes(signingInput)));

        var result = await ValidateAsync(signingInput + "." + signature);

        Assert.That(result.IsValid, Is.False, "only the configured algorithm is on the allow-list");
    }

    [TestCase("iss", "someone-else", typeof(SecurityTokenInvalidIssuerException))]
    [TestCase("aud", "another-api", typeof(SecurityTokenInvalidAudienceException))]
    public async Task A_token_for_another_issuer_or_audience_is_refused(string claim, string value, Type expected)
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        payload[claim] = value;

        var result = await ValidateAsync(Resign(header, payload));

        Assert.That(result.IsValid, Is.False, $"a wrong '{claim}' must be refused");
        Assert.That(result.Exception, Is.InstanceOf(expected));
    }

    [Test]
    public async Task A_token_is_refused_once_expired_beyond_the_30_second_skew()
    {
        var token = builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token;

        builder.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(29));
        var withinSkew = await ValidateAsync(token);
        builder.Clock.Advance(TimeSpan.FromSeconds(2));
        var beyondSkew = await ValidateAsync(token);

        Assert.That(withinSkew.IsValid, Is.True, "29 s past exp is inside the 30 s skew");
        Assert.That(beyondSkew.IsValid, Is.False, "31 s past exp is expired");
        Assert.That(beyondSkew.Exception, Is.InstanceOf<SecurityTokenExpiredException>());
    }

    [Test]
    public async Task A_token_that_is_not_yet_valid_is_refused()
    {
        var validatorClock = new FakeTimeProvider(builder.Clock.GetUtcNow());
        builder.Clock.Advance(TimeSpan.FromMinutes(2));
        var token = builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token;

        var result = await Handler.ValidateTokenAsync(token, AccessTokenValidation.CreateParameters(builder.Options, builder.Keys, validatorClock));

        Assert.That(result.IsValid, Is.False, "nbf two minutes ahead of the validator's clock must be refused");
        Assert.That(result.Exception, Is.InstanceOf<SecurityTokenNotYetValidException>());
    }

    [Test]
    public async Task A_token_without_exp_is_refused()
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        payload.Remove("exp");

        var result = await ValidateAsync(Resign(header, payload));

        Assert.That(result.IsValid, Is.False, "a token that never expires must be refused");
        Assert.That(result.Exception, Is.InstanceOf<SecurityTokenNoExpirationException>());
    }

    [TestCase(1e20)]
    [TestCase(253402300800d)] // one second past DateTime.MaxValue
    [TestCase(4102444800d)] // 2100-01-01: representable, but longer than any token issued now lives
    public async Task A_token_with_an_exp_later_than_the_access_token_lifetime_allows_is_refused(double exp)
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        payload["exp"] = exp;

        var result = await ValidateAsync(Resign(header, payload));

        Assert.That(result.IsValid, Is.False, $"exp {exp} outlives any token this server issues");
    }

    [TestCase("JWT")]
    [TestCase(null)]
    public async Task A_token_not_typed_as_an_access_token_is_refused(string? type)
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        header["typ"] = type;
        if (type is null)
        {
            header.Remove("typ");
        }

        var result = await ValidateAsync(Resign(header, payload));

        Assert.That(result.IsValid, Is.False, "only typ at+jwt is an access token (RFC 9068)");
        Assert.That(result.Exception, Is.InstanceOf<SecurityTokenInvalidTypeException>());
    }

    [Test]
    public async Task A_token_with_a_crit_header_is_refused()
    {
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        header["crit"] = new JsonArray("exp");

        var result = await ValidateAsync(Resign(header, payload));

        Assert.That(result.IsValid, Is.False, "critical extensions are not understood, so the token must be refused");
    }

    [TestCase("jwk")]
    [TestCase("jku")]
    [TestCase("x5u")]
    [TestCase("x5c")]
    public async Task A_token_carrying_its_own_key_is_refused_even_when_the_server_s_key_signed_it(string keyHeader)
    {
        // Signed with the real key, so only the header rule can refuse it (RFC 8725 §3.10: never trust a key the token names).
        var (header, payload) = JwtForge.Decode(builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token);
        var plain = await ValidateAsync(Resign(header.DeepClone().AsObject(), payload));
        header[keyHeader] = keyHeader switch
        {
            "jwk" => new JsonObject { ["kty"] = "oct", ["k"] = "c2VjcmV0" },
            "x5c" => new JsonArray("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"),
            _ => "https://attacker.example/keys",
        };

        var result = await ValidateAsync(Resign(header, payload));

        Assert.That(plain.IsValid, Is.True, "without the header, the re-signed token is valid");
        Assert.That(result.IsValid, Is.False, $"a token with a {keyHeader} header must be refused");
    }

    [Test]
    public async Task A_token_signed_with_a_previous_key_is_valid_while_that_key_is_listed()
    {
        var oldKey = builder.Options.SigningKey!;
        var token = builder.Build().CreateAccessToken(TokenServiceBuilder.Alice, sessionId).Token;

        builder.Options.SigningKey = TestKeys.NewSigningKey();
        var afterRotation = await ValidateAsync(token);
        builder.Options.PreviousKeys.Add(new JwtValidationKey { KeyId = JwtForge.Decode(token).Header["kid"]!.ToString(), Key = oldKey });
        var withPreviousKey = await ValidateAsync(token);

        Assert.That(afterRotation.IsValid, Is.False, "a key that is neither current nor listed must not validate");
        Assert.That(withPreviousKey.IsValid, Is.True, () => $"a listed previous key must validate its tokens: {withPreviousKey.Exception}");
    }

    private Task<TokenValidationResult> ValidateAsync(string token) => Handler.ValidateTokenAsync(token, builder.ValidationParameters());

    private string Resign(JsonObject header, JsonObject payload) => JwtForge.Sign(header, payload, Convert.FromBase64String(builder.Options.SigningKey!));
}
