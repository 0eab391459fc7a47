using System.Net;
using System.Net.Http.Json;
using System.Web;
using JwtMvc.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace JwtMvc.Tests.Support;

/// <summary>
/// The app sending its mail to a real SMTP server (<see cref="SmtpTestServer"/>) that this fixture runs, with
/// links built from <see cref="BaseUrl"/>. No per-address mail limit unless a fixture sets one.
/// </summary>
public abstract class EmailFixture
{
    public const string BaseUrl = "https://jwtmvc.example.test";

    private int users;

    protected SmtpTestServer Smtp { get; private set; } = null!;

    protected JwtMvcFactory Factory { get; private set; } = null!;

    /// <summary>Settings on top of the mail ones.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>App services a fixture replaces.</summary>
    protected virtual Action<IServiceCollection>? TestServices => null;

    [OneTimeSetUp]
    public void StartAppAndMailServer()
    {
        Smtp = SmtpTestServer.Start();
        var settings = new Dictionary<string, string?>(Smtp.Settings)
        {
            ["App:PublicBaseUrl"] = BaseUrl,
            ["Email:MinSecondsBetweenMails"] = "0",
        };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }

        Factory = new JwtMvcFactory(settings) { TestServices = TestServices };
        _ = Factory.Server; // start now, so its delivery loop runs before the first request
    }

    [OneTimeTearDown]
    public async Task StopAppAndMailServer()
    {
        Factory.Dispose();
        await Smtp.DisposeAsync();
    }

    /// <summary>Registers a fresh user through the API; answers its id (from the confirmation mail), name, email and password.</summary>
    protected async Task<TestAccount> RegisterAsync(string prefix = "mailuser", HttpStatusCode expected = HttpStatusCode.Created)
    {
        var userName = $"{prefix}{Interlocked.Increment(ref users)}{Guid.NewGuid().ToString("N")[..6]}";
        var account = new TestAccount(userName, $"{userName}@example.test", "Fresh#12345");
        var response = await Factory.CreateClient().PostAsJsonAsync("/api/account/register",
            new { userName, email = account.Email, password = account.Password });
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"registering {userName}: " + await response.Content.ReadAsStringAsync());
        return account;
    }

    protected async Task<HttpResponseMessage> PostAsync(string url, object body, HttpClient? client = null) =>
        await (client ?? Factory.CreateClient()).PostAsJsonAsync(url, body);

    protected async Task<MailLink> WaitForLinkAsync(string address, string subject)
    {
        var message = await Smtp.WaitForMessageAsync(address, subject);
        return MailLink.From(message);
    }

    /// <summary>Waits until every queued mail was sent or dropped, so a test can assert that a mail was not sent.</summary>
    protected async Task WaitForOutboxDrainedAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            await using (var scope = Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                if (!await db.MailJobs.AnyAsync(deadline.Token))
                {
                    return;
                }
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}

public sealed record TestAccount(string UserName, string Email, string Password);

/// <summary>The link of an account mail, with its query parameters.</summary>
public sealed record MailLink(string Url, string Path, string UserId, string Code, string? Email)
{
    public static MailLink From(MimeMessage message)
    {
        var url = SmtpTestServer.LinkIn(message, EmailFixture.BaseUrl);
        var uri = new Uri(url);
        var query = HttpUtility.ParseQueryString(uri.Query);
        return new MailLink(url, uri.AbsolutePath, query["userId"] ?? "", query["code"] ?? "", query["email"]);
    }
}
