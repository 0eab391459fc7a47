using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

/// <summary>
/// forgot-password and resend-confirmation answer alike for known, unknown, unconfirmed and locked addresses:
/// status, headers, body, and time (the request only queues a job; who the address belongs to is decided
/// off the request path).
/// </summary>
public sealed class NoEnumerationTests : EmailFixture
{
    private const int Tries = 20;

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
    public async Task Answer_times_do_not_tell_the_kinds_of_address_apart(string path)
    {
        var addresses = await AddressesAsync();
        var client = Factory.CreateClient();
        await PostAsync(path, new { email = "warm-up@example.test" }, client);
        var times = addresses.Keys.ToDictionary(kind => kind, _ => new List<double>());

        // Interleaved in a new order each round, so a busy moment of the machine (or of the delivery that the
        // previous request woke) falls on every kind alike.
        var random = new Random(12);
        for (var i = 0; i < Tries; i++)
        {
            foreach (var (kind, address) in addresses.OrderBy(_ => random.Next()))
            {
                var watch = Stopwatch.StartNew();
                var response = await PostAsync(path, new { email = address }, client);
                times[kind].Add(watch.Elapsed.TotalMilliseconds);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            }
        }

        var medians = times.ToDictionary(t => t.Key, t => Median(t.Value));
        var unknown = medians["unknown"];
        foreach (var (kind, median) in medians)
        {
            // Work that depended on the address (a user lookup, a code, a mail sent in the request) would show
            // as milliseconds; the tolerance only absorbs scheduling noise of a shared machine.
            Assert.That(Math.Abs(median - unknown), Is.LessThan(Math.Max(15, unknown * 0.5)),
                $"median answer time for a {kind} address ({median:F1} ms) must not stand out from an unknown one ({unknown:F1} ms)");
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

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
