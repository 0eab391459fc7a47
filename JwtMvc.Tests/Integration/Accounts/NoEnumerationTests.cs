using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using JwtMvc.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Accounts;

/// <summary>
/// forgot-password and resend-confirmation answer alike for known, unknown, unconfirmed and locked addresses:
/// status, headers and body, and the same database work, so no time to tell them apart (the request only queues a
/// job; who the address belongs to is decided off the request path).
/// </summary>
public sealed class NoEnumerationTests : EmailFixture
{
    [TestCase("/api/account/forgot-password")]
    [TestCase("/api/account/resend-confirmation")]
    public async Task Known_unknown_unconfirmed_and_locked_addresses_get_the_same_answer(string path)
    {
        var addresses = await AddressesAsync();

        var answers = new List<string>();
        foreach (var address in addresses.Values)
        {
            var response = await PostAsync(path, new { email = address });
            answers.Add($"{(int)response.StatusCode} {response.Content.Headers.ContentType} {response.Content.Headers.ContentLength} "
                + string.Join(",", response.Headers.Select(h => h.Key).Order()) + " " + await response.Content.ReadAsStringAsync());
        }

        Assert.That(answers.Distinct().ToList(), Has.Count.EqualTo(1), "every kind of address must get the very same answer:\n" + string.Join("\n", answers));
        Assert.That(answers[0], Does.StartWith("202 "));
    }

    [TestCase("/api/account/forgot-password")]
    [TestCase("/api/account/resend-confirmation")]
    public async Task The_request_does_the_same_database_work_for_every_kind_of_address(string path)
    {
        // What could make answer times differ is work that depends on the address: a user lookup, a code, a mail sent
        // in the request. Each request gets its own trace id, and every database command run inside it is recorded.
        var addresses = await AddressesAsync();
        using var commands = new RequestCommands();
        var client = Factory.CreateClient();

        // Each pooled context that looked for a listener before there was one keeps that answer for EF's logging cache
        // time, so until it has passed since the subscription, a request may record nothing.
        var cacheTime = LoggingCacheTime();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while ((await CommandsOfAsync(client, commands, path, $"warm-up-{Guid.NewGuid():N}@example.test")).Count == 0
                || Stopwatch.GetElapsedTime(commands.SubscribedAt) <= cacheTime)
            {
                await Task.Delay(100, deadline.Token);
            }
        }

        var byKind = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (kind, address) in addresses)
        {
            byKind[kind] = await CommandsOfAsync(client, commands, path, address);
        }

        var unknown = byKind["unknown"];
        Assert.That(unknown, Is.Not.Empty, "the request queues its job in the database");
        Assert.That(unknown, Has.None.Contains("AspNetUsers"), "the request never looks the address up");
        foreach (var (kind, executed) in byKind)
        {
            Assert.That(executed, Is.EqualTo(unknown), $"a {kind} address runs the commands an unknown one does");
        }
    }

    private TimeSpan LoggingCacheTime()
    {
        using var scope = Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()!.LoggingCacheTime;
    }

    /// <summary>Posts <paramref name="address"/> to <paramref name="path"/> under a trace id of its own; answers the commands it ran.</summary>
    private static async Task<IReadOnlyList<string>> CommandsOfAsync(HttpClient client, RequestCommands commands, string path, string address)
    {
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(new { email = address }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.That((await client.SendAsync(request)).StatusCode, Is.EqualTo(HttpStatusCode.Accepted), address);
        return commands.Of(traceId);
    }

    /// <summary>EF Core's database commands, by the trace id of the request that ran them (the mail delivery runs in none).</summary>
    private sealed class RequestCommands : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly ConcurrentQueue<(ActivityTraceId TraceId, string Text)> executed = new();
        private readonly ActivityListener requests = new()
        {
            // So that ASP.NET Core starts an activity for every request, from the request's traceparent.
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };

        private readonly List<IDisposable> subscriptions = [];

        public RequestCommands()
        {
            ActivitySource.AddActivityListener(requests);
            subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
            SubscribedAt = Stopwatch.GetTimestamp();
        }

        /// <summary>When EF's listeners were subscribed to (a <see cref="Stopwatch"/> timestamp).</summary>
        public long SubscribedAt { get; }

        public IReadOnlyList<string> Of(ActivityTraceId traceId) =>
            [.. executed.Where(c => c.TraceId == traceId).Select(c => c.Text)];

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == DbLoggerCategory.Name)
            {
                lock (subscriptions)
                {
                    subscriptions.Add(listener.Subscribe(this, name => name == RelationalEventId.CommandExecuting.Name));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is CommandEventData command && Activity.Current is { } activity)
            {
                executed.Enqueue((activity.TraceId, command.Command.CommandText));
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (subscriptions)
            {
                subscriptions.ForEach(s => s.Dispose());
            }

            requests.Dispose();
        }
    }

    private async Task<Dictionary<string, string>> AddressesAsync()
    {
        var unconfirmed = await RegisterAsync("unconfirmed");
        var locked = await RegisterAsync("locked");
        var admin = await Factory.LoginAsync("admin");
        var lockedUser = await admin.FindUserAsync(locked.UserName);
        var lockResponse = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{lockedUser.Id}/lock", new { });
        Assert.That(lockResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return new Dictionary<string, string>
        {
            ["known"] = "alice@jwtmvc.local",
            ["unknown"] = $"nobody-{Guid.NewGuid():N}@example.test",
            ["unconfirmed"] = unconfirmed.Email,
            ["locked"] = locked.Email,
        };
    }
}
