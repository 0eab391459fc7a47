using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Security;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Security;

/// <summary>/api/admin/security: the summary buckets and the event list, from real sign-ins.</summary>
public sealed class SecurityApiTests : AppFixture
{
    [Test]
    public async Task Five_wrong_passwords_show_as_failed_sign_ins_and_a_lockout_in_the_current_hour_and_day()
    {
        var admin = await Factory.LoginAsync("admin");
        var victim = await admin.CreateUserAsync(AdminApi.NewUserName("victim"));
        using var client = Factory.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            await client.PostAsJsonAsync("/api/auth/login", new { userName = victim.UserName, password = "wrong-password" });
        }

        var hourly = await admin.Client.SendAsync(admin.Request(HttpMethod.Get, "/api/admin/security/summary?range=24h"));
        var daily = await admin.Client.SendAsync(admin.Request(HttpMethod.Get, "/api/admin/security/summary?range=30d"));
        var events = await admin.Client.SendAsync(admin.Request(HttpMethod.Get, $"/api/admin/security/events?type=lockout&userId={victim.Id}"));

        var hours = (await hourly.Content.ReadFromJsonAsync<SummaryBody>())!.Buckets;
        var days = (await daily.Content.ReadFromJsonAsync<SummaryBody>())!.Buckets;
        Assert.Multiple(() =>
        {
            Assert.That(hours, Has.Length.EqualTo(24), "24 hourly buckets, empty ones included");
            Assert.That(days, Has.Length.EqualTo(30), "30 daily buckets");
            Assert.That(hours[^1].FailedLogins, Is.GreaterThanOrEqualTo(5), "the current hour holds the failed sign-ins");
            Assert.That(hours[^1].Lockouts, Is.GreaterThanOrEqualTo(1), "and the lockout");
            Assert.That(hours[^1].Logins, Is.GreaterThanOrEqualTo(1), "and the admin's sign-in");
            Assert.That(days[^1].Lockouts, Is.EqualTo(hours.Sum(h => h.Lockouts)), "today holds what the last hours hold (the test's clock is fresh)");
            Assert.That(hours[1].Start - hours[0].Start, Is.EqualTo(TimeSpan.FromHours(1)));
        });
        var page = (await events.Content.ReadFromJsonAsync<EventPageBody>())!;
        Assert.That(page.TotalCount, Is.EqualTo(1), "one lockout of that user");
        Assert.That(page.Items[0].UserName, Is.EqualTo(victim.UserName));
    }

    [Test]
    public async Task Events_are_listed_newest_first_and_paged()
    {
        var admin = await Factory.LoginAsync("admin");
        await Factory.LoginAsync("alice");

        var response = await admin.Client.SendAsync(admin.Request(HttpMethod.Get, "/api/admin/security/events?type=sign-in&pageSize=1"));

        var page = (await response.Content.ReadFromJsonAsync<EventPageBody>())!;
        Assert.That(page.Items, Has.Length.EqualTo(1));
        Assert.That(page.Items[0].UserName, Is.EqualTo("alice"), "the newest sign-in comes first");
        Assert.That(page.TotalCount, Is.GreaterThanOrEqualTo(2));
    }

    [TestCase("/api/admin/security/summary?range=7d", "range")]
    [TestCase("/api/admin/security/summary", "range")]
    [TestCase("/api/admin/security/events?type=nonsense", "type")]
    [TestCase("/api/admin/security/events?page=0", "page")]
    [TestCase("/api/admin/security/events?pageSize=1000", "pageSize")]
    [TestCase("/api/admin/security/events?page=100001", "page")]
    public async Task Bad_input_is_a_validation_problem(string url, string field)
    {
        var admin = await Factory.LoginAsync("admin");

        var response = await admin.Client.SendAsync(admin.Request(HttpMethod.Get, url));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await response.Content.ReadFromJsonAsync<ValidationBody>();
        Assert.That(problem!.Errors.Keys, Has.Some.EqualTo(field).IgnoreCase, $"the problem names {field}");
    }

    [Test]
    public async Task A_non_admin_is_refused()
    {
        var bob = await Factory.LoginAsync("bob");

        var response = await bob.GetAsync("/api/admin/security/summary?range=24h");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    private sealed record SummaryBody(BucketBody[] Buckets);

    private sealed record BucketBody(DateTimeOffset Start, int Logins, int FailedLogins, int Lockouts, int ReuseDetected);

    private sealed record EventPageBody(EventBody[] Items, int TotalCount);

    private sealed record EventBody(DateTimeOffset At, string Type, string? UserId, string? UserName, string? IpAddress, string? Detail);

    private sealed record ValidationBody(Dictionary<string, string[]> Errors);
}

/// <summary>The retention sweep, on the app's fake clock (its own app: it moves the clock by months).</summary>
public sealed class SecurityEventSweepTests : AppFixture
{
    [Test]
    public async Task The_sweep_deletes_events_past_the_retention_and_keeps_newer_ones()
    {
        var clock = Factory.Clock;
        using (var scope = Factory.Services.CreateScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<ISecurityEventLog>();
            await log.RecordAsync(SecurityEventTypes.KeyRotated, null, "old", null, "sweep-test", CancellationToken.None);
            clock.Advance(TimeSpan.FromDays(60));
            await log.RecordAsync(SecurityEventTypes.KeyRotated, null, "recent", null, "sweep-test", CancellationToken.None);
        }

        clock.Advance(TimeSpan.FromDays(31)); // the first is 91 days old, the second 31
        using (var scope = Factory.Services.CreateScope())
        {
            var dashboard = scope.ServiceProvider.GetRequiredService<SecurityDashboard>();
            // The background sweep may already have run when the clock moved (its timer runs on this clock);
            // either way, what is left afterwards is the rule.
            await dashboard.SweepAsync(CancellationToken.None);
            var (left, _) = await dashboard.ListAsync(SecurityEventTypes.KeyRotated, null, 1, 100, CancellationToken.None);

            Assert.That(left.Select(e => e.UserName), Is.EquivalentTo(new[] { "recent" }), "only the event inside 90 days is kept");
        }
    }
}
