using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using JwtMvc.Core.Admin;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Tests.Integration.Keys;

/// <summary>Key-ring mode end to end: ES256 tokens, the JWKS and discovery, what validation refuses, the admin API.</summary>
public sealed class KeyRingTests : KeyRingAppFixture
{
    [Test]
    public async Task Tokens_are_ES256_and_their_kid_is_in_the_jwks()
    {
        var alice = await Factory.LoginAsync("alice");

        var (header, _) = JwtForge.Decode(alice.AccessToken);
        var jwks = await JwksAsync();

        Assert.That((string?)header["alg"], Is.EqualTo("ES256"));
        Assert.That(jwks.Select(k => (string?)k!["kid"]), Does.Contain((string?)header["kid"]));
        Assert.That((await alice.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_jwks_holds_public_members_only_and_may_be_cached_up_to_an_hour()
    {
        var response = await Factory.CreateClient().GetAsync("/.well-known/jwks.json");
        var keys = (await response.Content.ReadFromJsonAsync<JsonObject>())!["keys"]!.AsArray();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl!.Public, Is.True);
        Assert.That(response.Headers.CacheControl.MaxAge, Is.LessThanOrEqualTo(TimeSpan.FromHours(1)));
        Assert.That(keys, Is.Not.Empty);
        foreach (var key in keys.Select(k => k!.AsObject()))
        {
            Assert.That(key.Select(p => p.Key), Is.EquivalentTo(new[] { "kty", "kid", "use", "alg", "crv", "x", "y" }), "never a private member (d)");
            Assert.That((string?)key["use"], Is.EqualTo("sig"));
        }
    }

    [TestCase("/.well-known/oauth-authorization-server")]
    [TestCase("/.well-known/openid-configuration")]
    public async Task The_discovery_document_names_the_tokens_issuer_and_absolute_endpoints(string path)
    {
        var alice = await Factory.LoginAsync("alice");
        var response = await Factory.CreateClient().GetAsync(path);
        var metadata = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl!.MaxAge, Is.LessThanOrEqualTo(TimeSpan.FromHours(1)));
        Assert.Multiple(() =>
        {
            Assert.That((string?)metadata["issuer"], Is.EqualTo((string?)JwtForge.Decode(alice.AccessToken).Payload["iss"]), "issuer equals the tokens' iss");
            Assert.That((string?)metadata["jwks_uri"], Is.EqualTo("http://localhost/.well-known/jwks.json"));
            Assert.That((string?)metadata["token_endpoint"], Is.EqualTo("http://localhost/api/auth/token"));
            Assert.That((string?)metadata["revocation_endpoint"], Is.EqualTo("http://localhost/api/auth/revoke"));
            Assert.That(metadata["grant_types_supported"]!.AsArray().Select(g => (string?)g), Is.EquivalentTo(new[] { "password", "refresh_token" }));
            Assert.That(metadata["token_endpoint_auth_methods_supported"]!.AsArray().Select(g => (string?)g), Is.EqualTo(new[] { "none" }));
        });
    }

    [Test]
    public async Task A_token_signed_by_a_key_the_ring_does_not_hold_is_refused()
    {
        var alice = await Factory.LoginAsync("alice");
        var forged = Forge(alice.AccessToken, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "attacker" }, "ES256");

        await AssertInvalidTokenAsync(alice, forged, "an unknown kid");
    }

    [Test]
    public async Task A_token_that_brings_its_own_jwk_is_refused_even_with_a_known_kid()
    {
        var alice = await Factory.LoginAsync("alice");
        var kid = (string)JwtForge.Decode(alice.AccessToken).Header["kid"]!;
        var attacker = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(attacker);
        var forged = Forge(alice.AccessToken, attacker, "ES256", new Dictionary<string, object>
        {
            ["jwk"] = new Dictionary<string, object> { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = jwk.X, ["y"] = jwk.Y },
        });

        await AssertInvalidTokenAsync(alice, forged, "a jwk header");
    }

    [Test]
    public async Task A_token_with_a_jku_header_is_refused()
    {
        var alice = await Factory.LoginAsync("alice");
        var kid = (string)JwtForge.Decode(alice.AccessToken).Header["kid"]!;
        var forged = Forge(alice.AccessToken, new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid }, "ES256",
            new Dictionary<string, object> { ["jku"] = "https://attacker.example/jwks.json" });

        await AssertInvalidTokenAsync(alice, forged, "a jku header");
    }

    [Test]
    public async Task An_RS256_token_is_refused_when_the_ring_is_ES256()
    {
        var alice = await Factory.LoginAsync("alice");
        var kid = (string)JwtForge.Decode(alice.AccessToken).Header["kid"]!;
        var forged = Forge(alice.AccessToken, new RsaSecurityKey(RSA.Create(2048)) { KeyId = kid }, "RS256");

        await AssertInvalidTokenAsync(alice, forged, "an algorithm other than the ring's");
    }

    [Test]
    public async Task Admins_list_the_keys_with_their_status()
    {
        var admin = await Factory.LoginAsync("admin");

        var list = (await (await admin.GetAsync("/api/admin/keys")).Content.ReadFromJsonAsync<KeyListBody>())!;

        Assert.That(list.Mode, Is.EqualTo("keyRing"));
        Assert.That(list.Items.Count(k => k.Status == "active"), Is.EqualTo(1), "exactly one key signs");
        Assert.That(list.Items.Select(k => k.Alg).Distinct(), Is.EqualTo(new[] { "ES256" }));
    }

    [Test]
    public async Task Users_without_the_Admin_role_cannot_see_or_change_keys()
    {
        var alice = await Factory.LoginAsync("alice");

        Assert.That((await alice.GetAsync("/api/admin/keys")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await alice.SendAsync(HttpMethod.Post, "/api/admin/keys/rotate")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Rotate_now_makes_a_new_key_sign_at_once_retires_the_old_one_and_is_audited()
    {
        var admin = await Factory.LoginAsync("admin");
        var before = await Factory.LoginAsync("alice");
        var oldKid = (string)JwtForge.Decode(before.AccessToken).Header["kid"]!;

        var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/rotate");
        var created = (await response.Content.ReadFromJsonAsync<KeyBody>())!;
        var after = await Factory.LoginAsync("alice");
        var list = (await (await admin.GetAsync("/api/admin/keys")).Content.ReadFromJsonAsync<KeyListBody>())!;

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(created.Status, Is.EqualTo("active"));
        Assert.That((string?)JwtForge.Decode(after.AccessToken).Header["kid"], Is.EqualTo(created.Kid), "new tokens are signed by the new key");
        Assert.That(list.Items.Single(k => k.Kid == oldKid).Status, Is.EqualTo("retired"));
        Assert.That((await before.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the retired key still verifies its tokens");
        Assert.That(await AuditedAsync(AuditActions.KeyRotated, created.Kid), Is.True, "rotation is audited");
    }

    [Test]
    public async Task Revoking_the_active_key_refuses_its_tokens_at_once_and_one_refresh_recovers()
    {
        var admin = await Factory.LoginAsync("admin");
        var alice = await Factory.LoginAsync("alice");
        var kid = (string)JwtForge.Decode(alice.AccessToken).Header["kid"]!;
        Assert.That((await alice.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "validated once, so the validation cache holds it");

        var revoke = await admin.SendAsync(HttpMethod.Post, $"/api/admin/keys/{kid}/revoke");
        var refused = await alice.GetAsync("/api/me");
        var refreshed = (await (await alice.RefreshAsync()).Content.ReadFromJsonAsync<SessionBody>())!;
        var jwks = await JwksAsync();

        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await revoke.Content.ReadFromJsonAsync<KeyBody>())!.Status, Is.EqualTo("revoked"));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a revoked key's tokens are refused at once, cached or not");
        Assert.That(refused.Headers.WwwAuthenticate.ToString(), Does.Contain("invalid_token"));
        Assert.That(jwks.Select(k => (string?)k!["kid"]), Does.Not.Contain(kid), "a revoked key leaves the JWKS");
        Assert.That((await alice.GetAsync("/api/me", refreshed.AccessToken)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session survives: one refresh recovers");
        Assert.That(await AuditedAsync(AuditActions.KeyRevoked, kid), Is.True, "revocation is audited");
    }

    [Test]
    public async Task Revoking_an_unknown_kid_is_404()
    {
        var admin = await Factory.LoginAsync("admin");

        var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/no-such-kid/revoke");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static string Forge(string genuine, SecurityKey key, string algorithm, IDictionary<string, object>? headers = null)
    {
        var (_, payload) = JwtForge.Decode(genuine);
        return new JsonWebTokenHandler().CreateToken(
            payload.ToJsonString(),
            new SigningCredentials(key, algorithm),
            new Dictionary<string, object>(headers ?? new Dictionary<string, object>()) { ["typ"] = "at+jwt" });
    }

    private static async Task AssertInvalidTokenAsync(SignedInClient client, string token, string because)
    {
        var response = await client.GetAsync("/api/me", token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"a token with {because} must be refused");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
    }

    private async Task<JsonArray> JwksAsync() =>
        (await Factory.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json"))!["keys"]!.AsArray();

    private async Task<bool> AuditedAsync(string action, string kid)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return await db.AuditEntries.AnyAsync(e => e.Action == action && e.Detail == "kid " + kid && e.ActorUserName == "admin");
    }
}

/// <summary>With <c>Jwt:SigningKey</c> set, keys come from configuration: nothing to publish or rotate.</summary>
public sealed class SharedSecretKeyTests : AppFixture
{
    [Test]
    public async Task The_jwks_is_empty_and_tokens_are_HS256()
    {
        var alice = await Factory.LoginAsync("alice");

        var jwks = await Factory.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json");

        Assert.That(jwks!["keys"]!.AsArray(), Is.Empty);
        Assert.That((string?)JwtForge.Decode(alice.AccessToken).Header["alg"], Is.EqualTo("HS256"));
    }

    [Test]
    public async Task Rotate_and_revoke_are_409_keys_come_from_configuration()
    {
        var admin = await Factory.LoginAsync("admin");

        var rotate = await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/rotate");
        var revoke = await admin.SendAsync(HttpMethod.Post, "/api/admin/keys/any/revoke");
        var list = (await (await admin.GetAsync("/api/admin/keys")).Content.ReadFromJsonAsync<KeyListBody>())!;

        Assert.That(rotate.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await rotate.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.ToString(), Does.Contain("come from configuration").IgnoreCase);
        Assert.That(list.Mode, Is.EqualTo("sharedSecret"));
    }
}

/// <summary><c>App:PublicBaseUrl</c> is the base of every published URL.</summary>
public sealed class PublicBaseUrlTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() =>
        new(new Dictionary<string, string?> { ["App:PublicBaseUrl"] = "https://auth.example.com/" }) { SigningKey = null };

    [Test]
    public async Task Discovery_urls_come_from_App_PublicBaseUrl()
    {
        var metadata = await Factory.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration");

        Assert.That((string?)metadata!["jwks_uri"], Is.EqualTo("https://auth.example.com/.well-known/jwks.json"));
        Assert.That((string?)metadata["token_endpoint"], Is.EqualTo("https://auth.example.com/api/auth/token"));
    }
}

/// <summary><c>Jwt:Algorithm=RS256</c>: the ring makes RSA keys.</summary>
public sealed class Rs256KeyRingTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() =>
        new(new Dictionary<string, string?> { ["Jwt:Algorithm"] = "RS256" }) { SigningKey = null };

    [Test]
    public async Task Tokens_are_RS256_and_the_jwks_holds_RSA_keys()
    {
        var alice = await Factory.LoginAsync("alice");

        var jwks = await Factory.CreateClient().GetFromJsonAsync<JsonObject>("/.well-known/jwks.json");

        Assert.That((string?)JwtForge.Decode(alice.AccessToken).Header["alg"], Is.EqualTo("RS256"));
        Assert.That(jwks!["keys"]!.AsArray().Select(k => (string?)k!["kty"]), Is.All.EqualTo("RSA"));
        Assert.That((await alice.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}

/// <summary>Two instances on one database rotate at the same moment and create one key.</summary>
public sealed class KeyRingTwoInstanceTests : TwoInstanceFixture
{
    protected override JwtMvcFactory CreateFirst() => new() { SigningKey = null };

    [Test]
    public async Task Two_instances_due_to_rotate_at_once_create_one_new_key_and_accept_each_others_tokens()
    {
        var firstRing = First.Services.GetRequiredService<JwtMvc.Core.Auth.Keys.KeyRing>();
        var secondRing = Second.Services.GetRequiredService<JwtMvc.Core.Auth.Keys.KeyRing>();
        var before = await CountKeysAsync();

        First.Clock.Advance(TimeSpan.FromDays(29));
        await Task.WhenAll(firstRing.RotateIfDueAsync(CancellationToken.None), secondRing.RotateIfDueAsync(CancellationToken.None));
        var alice = await First.LoginAsync("alice");

        Assert.That(before, Is.EqualTo(1), "the two instances started on one first key");
        Assert.That(await CountKeysAsync(), Is.EqualTo(2), "one successor, not one per instance");
        Assert.That((await new SignedInClient(Second.CreateClient(), alice.AccessToken, new()).GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private async Task<int> CountKeysAsync()
    {
        await using var scope = First.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().SigningKeys.CountAsync();
    }
}
