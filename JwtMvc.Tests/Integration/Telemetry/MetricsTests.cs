using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Telemetry;

/// <summary>The JwtMvc meter's counters after real sign-ins, refreshes and a reuse, and who may scrape /metrics.</summary>
public sealed class MetricsTests : AppFixture
{
    private readonly ConcurrentDictionary<string, long> measured = new(StringComparer.Ordinal);
    private MeterListener listener = null!;

    [SetUp]
    public void Listen()
    {
        measured.Clear();
        // Only this app's meter: the one its own IMeterFactory created.
        var meterFactory = Factory.Services.GetRequiredService<IMeterFactory>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "JwtMvc" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().Select(t => $"|{t.Key}={t.Value}"));
            measured.AddOrUpdate(key, value, (_, total) => total + value);
        });
        listener.Start();
    }

    [TearDown]
    public void StopListening() => listener.Dispose();

    private long Count(string key) => measured.TryGetValue(key, out var value) ? value : 0;

    [Test]
    public async Task Logins_are_counted_by_result()
    {
        await Factory.LoginAsync("alice");
        using var client = Factory.CreateClient();
        var wrong = await client.PostAsJsonAsync("/api/auth/login", new { userName = "alice", password = "wrong-password" });
        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        Assert.Multiple(() =>
        {
            Assert.That(Count("jwtmvc.auth.logins|result=success"), Is.EqualTo(1), "one successful sign-in");
            Assert.That(Count("jwtmvc.auth.logins|result=failure"), Is.EqualTo(1), "one failed sign-in");
        });
    }

    [Test]
    public async Task Refreshes_and_reuse_are_counted_and_the_reuse_revocation_too()
    {
        var bob = await Factory.LoginAsync("bob");
        var first = bob.RefreshCookie!;
        Assert.That((await bob.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Factory.Clock.Advance(TimeSpan.FromSeconds(31)); // past the retry window: presenting it again is reuse

        var replay = await Factory.RefreshWithCookieAsync(first);
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        Assert.Multiple(() =>
        {
            Assert.That(Count("jwtmvc.auth.refreshes|result=success"), Is.EqualTo(1));
            Assert.That(Count("jwtmvc.auth.refreshes|result=reuse"), Is.EqualTo(1), "the replayed token counts as reuse");
            Assert.That(Count("jwtmvc.auth.revocations|reason=refresh-token-reuse"), Is.EqualTo(1), "reuse revokes the session");
        });
    }

    [Test]
    public async Task Metrics_are_scraped_as_prometheus_text_from_loopback()
    {
        await Factory.LoginAsync("admin");

        var context = await Factory.Server.SendAsync(c => Scrape(c, IPAddress.Loopback));

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.That(text, Does.Contain("jwtmvc_auth_logins").And.Contain("result=\"success\""), "the JwtMvc counters are exported");
    }

    [Test]
    public async Task Metrics_are_404_for_a_remote_client()
    {
        var context = await Factory.Server.SendAsync(c => Scrape(c, IPAddress.Parse("203.0.113.7")));

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status404NotFound), "/metrics is loopback-only by default");
    }

    [TestCase("X-Forwarded-For", "203.0.113.7")]
    [TestCase("Forwarded", "for=203.0.113.7")]
    public async Task Metrics_are_404_for_a_remote_client_proxied_from_the_same_host(string header, string value)
    {
        // A proxy on this host (no ForwardedHeaders:KnownProxies) connects from loopback for whoever called it.
        var context = await Factory.Server.SendAsync(c =>
        {
            Scrape(c, IPAddress.Loopback);
            c.Request.Headers[header] = value;
        });

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status404NotFound));
    }

    private static void Scrape(HttpContext context, IPAddress from)
    {
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/metrics";
        context.Connection.RemoteIpAddress = from;
    }
}

/// <summary>With Metrics:AllowRemote, any client may scrape.</summary>
public sealed class RemoteMetricsTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Metrics:AllowRemote"] = "true" });

    [Test]
    public async Task Metrics_are_served_to_a_remote_client_when_allowed()
    {
        var context = await Factory.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Get;
            c.Request.Path = "/metrics";
            c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        });

        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status200OK));
    }
}
