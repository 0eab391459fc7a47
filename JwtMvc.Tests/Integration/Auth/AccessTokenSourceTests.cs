using System.Net;
using System.Text;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Auth;

/// <summary>Where /api/me accepts a token from, and the RFC 6750 answers when it does not.</summary>
public sealed class AccessTokenSourceTests
{
    private JwtMvcFactory factory = null!;
    private SignedInClient alice = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new JwtMvcFactory();
        alice = await factory.LoginAsync("alice");
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task The_authorization_bearer_header_is_accepted()
    {
        var response = await alice.GetAsync("/api/me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("\"userName\":\"alice\"").And.Contain("\"sessionId\""));
    }

    [Test]
    public async Task The_x_access_token_header_is_accepted()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("x-access-token", alice.AccessToken);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Query_and_form_tokens_are_refused_unless_configured()
    {
        var client = factory.CreateClient();

        var query = await client.GetAsync($"/api/me?access_token={alice.AccessToken}");

        Assert.That(query.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "query tokens leak into logs: off by default");
    }

    [Test]
    public async Task A_request_without_a_token_gets_a_bare_bearer_challenge()
    {
        var response = await factory.CreateClient().GetAsync("/api/me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"), "RFC 6750 §3.1: no error code when no token was sent");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
    }

    [Test]
    public async Task A_tampered_token_gets_invalid_token()
    {
        var tampered = JwtForge.TamperPayload(alice.AccessToken, "sub", "someone-else");

        var response = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: tampered);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer error=\"invalid_token\", error_description=\""));
    }

    [Test]
    public async Task A_token_signed_by_another_key_gets_invalid_token()
    {
        var (header, payload) = JwtForge.Decode(alice.AccessToken);
        var forged = JwtForge.Sign(header, payload, Convert.FromBase64String(TestKeys.NewSigningKey()));

        var response = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: forged);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain("invalid_token"));
    }

    [Test]
    public async Task A_token_for_an_unknown_session_is_refused()
    {
        var (header, payload) = JwtForge.Decode(alice.AccessToken);
        payload["sid"] = Guid.NewGuid().ToString();
        var resigned = JwtForge.Sign(header, payload, Convert.FromBase64String(factory.SigningKey!));

        var response = await alice.SendAsync(HttpMethod.Get, "/api/me", accessToken: resigned);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a well-signed token must still belong to a live session");
    }
}

public sealed class ConfiguredTokenSourceTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?>
    {
        ["Jwt:AllowQueryToken"] = "true",
        ["Jwt:AllowFormToken"] = "true",
    });

    [Test]
    public async Task The_access_token_query_parameter_is_accepted_when_enabled()
    {
        var alice = await Factory.LoginAsync("alice");

        var response = await Factory.CreateClient().GetAsync($"/api/me?access_token={alice.AccessToken}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task The_access_token_form_field_is_accepted_when_enabled()
    {
        var alice = await Factory.LoginAsync("alice");
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = alice.AccessToken });

        // The password endpoint reads JSON, so the form token authenticates and the body then fails validation:
        // 415 (not 401) proves the token was taken from the form.
        var response = await Factory.CreateClient().PostAsync("/api/account/password", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType), "authenticated by the form token, then refused for its JSON-only body");
    }

    [Test]
    public async Task A_form_longer_than_16_KiB_is_not_read_for_a_token()
    {
        var alice = await Factory.LoginAsync("alice");
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["access_token"] = alice.AccessToken, ["padding"] = new string('x', 16 * 1024) });

        var response = await Factory.CreateClient().PostAsync("/api/account/password", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "authentication reads no body past the limit the endpoints keep");
    }

    [Test]
    public async Task A_form_the_form_reader_refuses_is_a_request_without_a_token_not_a_server_error()
    {
        // 1,025 fields: one more than the form reader accepts.
        var form = new StringContent(string.Join('&', Enumerable.Range(0, 1025).Select(i => $"f{i}=")), Encoding.ASCII, "application/x-www-form-urlencoded");

        var response = await Factory.CreateClient().PostAsync("/api/orders", form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_multipart_body_is_not_searched_for_a_token_so_an_upload_is_never_read_before_its_endpoint()
    {
        var alice = await Factory.LoginAsync("alice");
        var body = new MultipartBody().Field("access_token", alice.AccessToken).File(TestFiles.Png(), "a.png", "image/png").ToContent();

        var withFormToken = await Factory.CreateClient().PostAsync("/api/uploads", body);
        var withHeader = await alice.UploadAsync(new MultipartBody().File(TestFiles.Png(), "a.png", "image/png"));

        Assert.That(withFormToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only a url-encoded form carries a form token (RFC 6750 §2.2)");
        Assert.That(withHeader.StatusCode, Is.EqualTo(HttpStatusCode.Created), await withHeader.Content.ReadAsStringAsync());
    }
}
