using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Integration.Cluster;

/// <summary>With no known proxy, X-Forwarded-* from anyone are ignored: a forged address cannot escape the rate limit.</summary>
public sealed class ForwardedHeadersIgnoredTests
{
    [Test]
    public async Task A_forged_forwarded_for_does_not_escape_the_sign_in_limit()
    {
        using var app = new ClusterInstance(new Dictionary<string, string?> { ["RateLimiting:Auth:PermitLimit"] = "3" });

        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            answers.Add((await app.FailLoginAsync("192.0.2.50", Forwarded($"198.51.100.{attempt + 1}"))).StatusCode);
        }

        Assert.That(answers.Take(3), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(answers[3], Is.EqualTo(HttpStatusCode.TooManyRequests), "each attempt claimed another address; the limit counts the real one");
    }

    [Test]
    public async Task A_forged_forwarded_proto_does_not_make_the_request_https()
    {
        using var app = new ClusterInstance();

        var response = await LoginAsync(app, "192.0.2.51", [new("X-Forwarded-Proto", "https")]);

        Assert.That(string.Join(";", response.Headers.GetValues("Set-Cookie")), Does.Not.Contain("secure"), "the scheme stays what the connection was");
    }

    [Test]
    public async Task The_frameworks_own_forwarded_headers_middleware_given_the_apps_options_believes_nobody()
    {
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true has ASP.NET Core put this middleware in front of the app, with the app's options.
        using var app = new ClusterInstance();
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>();
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.60");
        context.Request.Scheme = "http";
        context.Request.Headers["X-Forwarded-For"] = "198.51.100.1";
        context.Request.Headers["X-Forwarded-Proto"] = "https";

        await new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, options).Invoke(context);

        Assert.That(context.Connection.RemoteIpAddress, Is.EqualTo(IPAddress.Parse("192.0.2.60")), "the client's own address stays");
        Assert.That(context.Request.Scheme, Is.EqualTo("http"));
    }

    internal static KeyValuePair<string, string>[] Forwarded(string clientIp) => [new("X-Forwarded-For", clientIp)];

    internal static Task<HttpResponseMessage> LoginAsync(ClusterInstance app, string remoteIp, IEnumerable<KeyValuePair<string, string>> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login") { Content = JsonContent.Create(new { userName = "alice", password = JwtMvcFactory.PasswordOf("alice") }) };
        request.Headers.Add(ClusterInstance.ClientIpHeader, remoteIp);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return app.CreateClient().SendAsync(request);
    }
}

/// <summary>Behind a known proxy, the client's address and scheme come from its X-Forwarded-For / -Proto, and only from it.</summary>
public sealed class ForwardedHeadersFromKnownProxyTests
{
    private const string Proxy = "10.0.0.1";

    private ClusterInstance app = null!;

    [OneTimeSetUp]
    public void Start() => app = new ClusterInstance(new Dictionary<string, string?>
    {
        ["RateLimiting:Auth:PermitLimit"] = "3",
        ["ForwardedHeaders:KnownProxies:0"] = Proxy,
    });

    [OneTimeTearDown]
    public void Stop() => app.Dispose();

    [Test]
    public async Task Clients_behind_the_known_proxy_are_limited_each_by_their_own_address()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await app.FailLoginAsync(Proxy, ForwardedHeadersIgnoredTests.Forwarded("198.51.100.7"));
        }

        var sameClient = await app.FailLoginAsync(Proxy, ForwardedHeadersIgnoredTests.Forwarded("198.51.100.7"));
        var otherClient = await app.FailLoginAsync(Proxy, ForwardedHeadersIgnoredTests.Forwarded("198.51.100.8"));

        Assert.That(sameClient.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "the client the proxy names has used its budget");
        Assert.That(otherClient.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another client behind the same proxy has its own");
    }

    [Test]
    public async Task A_forwarded_for_from_an_unknown_address_is_ignored()
    {
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            answers.Add((await app.FailLoginAsync("192.0.2.60", ForwardedHeadersIgnoredTests.Forwarded($"198.51.100.{100 + attempt}"))).StatusCode);
        }

        Assert.That(answers[3], Is.EqualTo(HttpStatusCode.TooManyRequests), "only the known proxy is believed");
    }

    [Test]
    public async Task A_client_prepending_its_own_forwarded_for_is_counted_by_the_address_the_proxy_saw()
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await app.FailLoginAsync(Proxy, ForwardedHeadersIgnoredTests.Forwarded($"203.0.113.{attempt + 1}, 198.51.100.9"));
        }

        var fourth = await app.FailLoginAsync(Proxy, ForwardedHeadersIgnoredTests.Forwarded("203.0.113.99, 198.51.100.9"));

        Assert.That(fourth.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "what the client wrote left of the proxy's entry is ignored");
    }

    [Test]
    public async Task The_known_proxy_s_forwarded_proto_sets_the_scheme()
    {
        var response = await ForwardedHeadersIgnoredTests.LoginAsync(app, Proxy, [new("X-Forwarded-For", "198.51.100.30"), new("X-Forwarded-Proto", "https")]);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(string.Join(";", response.Headers.GetValues("Set-Cookie")), Does.Contain("secure"), "the refresh cookie is Secure: the client used https");
    }
}
