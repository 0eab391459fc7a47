using System.Net;
using System.Text;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Security;

/// <summary>
/// The auth and account endpoints read at most 16 KiB of body, counted as bytes arrive, whatever the client
/// declares; the 413 carries the security headers like every other answer.
/// </summary>
public sealed class BodyLimitTests : AppFixture
{
    private const int Limit = 16 * 1024;

    [TestCase("/api/auth/revoke")]
    [TestCase("/api/auth/token")]
    [TestCase("/api/auth/login")]
    [TestCase("/api/account/register")]
    [TestCase("/api/account/forgot-password")]
    [TestCase("/api/account/resend-confirmation")]
    [TestCase("/api/account/reset-password")]
    [TestCase("/api/account/confirm-email")]
    [TestCase("/api/account/confirm-email-change")]
    public async Task A_chunked_body_over_16_KiB_is_413(string path)
    {
        var response = await Factory.CreateClient().PostAsync(path, Chunked(FormOf(Limit + 1)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        AssertSecurityHeaders(response);
    }

    [TestCase("POST", "/api/account/password")]
    [TestCase("PUT", "/api/account/profile")]
    [TestCase("POST", "/api/account/email")]
    [TestCase("POST", "/api/account/2fa/enable")]
    [TestCase("POST", "/api/account/2fa/disable")]
    [TestCase("POST", "/api/account/passkeys")]
    [TestCase("POST", "/api/orders")]
    public async Task A_chunked_body_over_16_KiB_to_a_signed_in_endpoint_is_413(string method, string path)
    {
        var alice = await Factory.LoginAsync("alice");
        var request = alice.Request(new HttpMethod(method), path);
        request.Content = Chunked(new StringContent("{\"currentPassword\":\"" + new string('x', Limit) + "\",\"newPassword\":\"x\"}", Encoding.UTF8, "application/json"));

        var response = await alice.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        AssertSecurityHeaders(response);
    }

    [Test]
    public async Task A_chunked_body_over_16_KiB_to_the_admin_users_api_is_413()
    {
        var admin = await Factory.LoginAsync("admin");
        var request = admin.Request(HttpMethod.Post, "/api/admin/users");
        request.Content = Chunked(new StringContent("{\"userName\":\"" + new string('x', Limit) + "\"}", Encoding.UTF8, "application/json"));

        var response = await admin.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        AssertSecurityHeaders(response);
    }

    [Test]
    public async Task A_body_declared_over_16_KiB_is_413()
    {
        var response = await Factory.CreateClient().PostAsync("/api/auth/token", FormOf(Limit + 1));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        AssertSecurityHeaders(response);
    }

    [Test]
    public async Task A_chunked_body_under_16_KiB_is_read_as_usual()
    {
        var response = await Factory.CreateClient().PostAsync("/api/auth/token", Chunked(new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "alice",
            ["password"] = JwtMvcFactory.PasswordOf("alice"),
            ["padding"] = new string('x', Limit - 200),
        })));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    internal static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.That(response.Headers.Contains("Content-Security-Policy"), Is.True, "the CSP is on every answer");
        Assert.That(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) ? nosniff.Single() : null, Is.EqualTo("nosniff"));
        Assert.That(response.Headers.Contains("Referrer-Policy"), Is.True, "Referrer-Policy is on every answer");
    }

    internal static HttpContent FormOf(int bytes) =>
        new StringContent("token=" + new string('x', bytes - "token=".Length), Encoding.ASCII, "application/x-www-form-urlencoded");

    /// <summary>The same content without a Content-Length: sent with Transfer-Encoding: chunked.</summary>
    internal static HttpContent Chunked(HttpContent content)
    {
        var chunked = new StreamContent(new UnseekableStream(content.ReadAsStream()));
        foreach (var header in content.Headers.Where(h => h.Key != "Content-Length"))
        {
            chunked.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return chunked;
    }

    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1024));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The same limits on real Kestrel, whose own per-request body limit is set by the endpoint too.</summary>
public sealed class KestrelBodyLimitTests
{
    private JwtMvcFactory factory = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        factory = new JwtMvcFactory();
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [Test]
    public async Task On_kestrel_a_chunked_body_over_16_KiB_to_revoke_is_413_with_the_security_headers()
    {
        // Small enough that the client has sent it all before the server answers and closes the connection.
        var response = await factory.CreateClient().PostAsync("/api/auth/revoke", BodyLimitTests.Chunked(BodyLimitTests.FormOf(64 * 1024)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        BodyLimitTests.AssertSecurityHeaders(response);
    }

    [Test]
    public async Task On_kestrel_a_body_declared_over_16_KiB_is_413_with_the_security_headers()
    {
        var response = await factory.CreateClient().PostAsync("/api/auth/token", BodyLimitTests.FormOf((16 * 1024) + 1));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge), await response.Content.ReadAsStringAsync());
        BodyLimitTests.AssertSecurityHeaders(response);
    }
}
