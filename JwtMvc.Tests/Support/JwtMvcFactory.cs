using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JwtMvc.Tests.Support;

/// <summary>
/// The real app on a fresh SQLite file, with the Development seed, a known signing key and a clock the
/// tests move. Settings passed in override the defaults (as configuration, not by re-registering services).
/// </summary>
public class JwtMvcFactory(IReadOnlyDictionary<string, string?>? settings = null, string? databasePath = null) : WebApplicationFactory<Program>
{
    public const string Password = "#12345";

    private readonly string directory = Directory.CreateTempSubdirectory("jwtmvc-tests-").FullName;

    public FakeTimeProvider Clock { get; init; } = new(DateTimeOffset.UtcNow);

    /// <summary>
    /// Moves <see cref="Clock"/> on a minute at a time until <paramref name="done"/> holds (the background sweeps wait
    /// on it); false when it still does not after 20 s.
    /// </summary>
    public Task<bool> AdvanceClockUntilAsync(Func<Task<bool>> done) =>
        ClusterFixture.EventuallyAsync(
            async () =>
            {
                Clock.Advance(TimeSpan.FromMinutes(1));
                return await done();
            },
            TimeSpan.FromSeconds(20));

    /// <summary>Replaces app services for one test (after the app's own registrations).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Null leaves <c>Jwt:SigningKey</c> unset.</summary>
    public string? SigningKey { get; init; } = TestKeys.NewSigningKey();

    public string Environment { get; init; } = "Development";

    /// <summary>The test's own folder: database, uploads, and anything else the app writes.</summary>
    public string WorkDirectory => directory;

    public string DatabasePath => databasePath ?? Path.Combine(directory, "jwtmvc.db");

    /// <summary>Seeded users' passwords follow one pattern: alice / Alice#12345.</summary>
    public static string PasswordOf(string userName) => char.ToUpperInvariant(userName[0]) + userName[1..] + Password;

    /// <summary>A client that keeps cookies, as a browser would, and does not follow redirects.</summary>
    public HttpClient CreateBrowserClient() => CreateBrowserClient(out _);

    public HttpClient CreateBrowserClient(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return CreateDefaultClient(new CookieContainerHandler(cookies));
    }

    public async Task<SignedInClient> LoginAsync(string userName, string? password = null)
    {
        var client = CreateBrowserClient(out var cookies);
        var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password = password ?? PasswordOf(userName) });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{userName} must be able to log in");
        var body = (await response.Content.ReadFromJsonAsync<SessionBody>())!;
        return new SignedInClient(client, body.AccessToken, cookies);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:Default", $"Data Source={DatabasePath}");
        if (SigningKey is not null)
        {
            builder.UseSetting("Jwt:SigningKey", SigningKey);
        }

        builder.UseSetting("RateLimiting:Auth:PermitLimit", "10000");
        builder.UseSetting("RateLimiting:Writes:PermitLimit", "10000");
        builder.UseSetting("Uploads:Root", Path.Combine(directory, "uploads"));
        builder.UseSetting("Email:PickupDirectory", Path.Combine(directory, "mail"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            TestServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown; the temp folder is cleaned by the OS.
        }
    }
}

public sealed record SignedInClient(HttpClient Client, string AccessToken, CookieContainer Cookies)
{
    public string? RefreshCookie => Cookies.GetCookies(new Uri(Client.BaseAddress!, "/api/auth/"))["jwtmvc.refresh"]?.Value;

    /// <summary>POST /api/auth/refresh as the browser client sends it.</summary>
    public Task<HttpResponseMessage> RefreshAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        return Client.SendAsync(request);
    }

    /// <summary>POST /api/auth/logout as the browser client sends it (with the refresh cookie, if this client keeps one).</summary>
    public Task<HttpResponseMessage> LogoutAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        return Client.SendAsync(request);
    }

    public HttpRequestMessage Request(HttpMethod method, string url, string? accessToken = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken ?? AccessToken);
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? json = null, string? accessToken = null)
    {
        var request = Request(method, url, accessToken);
        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(HttpMethod.Get, url);

    public Task<HttpResponseMessage> GetAsync(string url, string accessToken) => SendAsync(HttpMethod.Get, url, accessToken: accessToken);
}

public sealed record SessionBody(
    string AccessToken,
    string TokenType,
    int ExpiresIn,
    DateTimeOffset ExpiresAt,
    SessionUser User);

public sealed record SessionUser(string Id, string UserName, string? Email, string[] Roles);

public sealed record OAuthTokenBody(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

public sealed record OAuthErrorBody(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);
