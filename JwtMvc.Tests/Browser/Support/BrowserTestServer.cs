using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Tests.Browser.Support;

/// <summary>
/// The real app on Kestrel at 127.0.0.1 (dynamic port) with a fresh SQLite database, the Development
/// seed users and a signing key the tests know, plus a second server on another port that plays
/// "another origin" and records what it was sent.
/// </summary>
internal sealed class BrowserTestServer : IAsyncDisposable
{
    private readonly JwtMvcKestrelFactory factory;
    private readonly string dataFolder;
    private int registered;

    private BrowserTestServer(JwtMvcKestrelFactory factory, RecordingServer otherOrigin, SmtpTestServer mail, string dataFolder, byte[] signingKey)
    {
        this.factory = factory;
        Mail = mail;
        this.dataFolder = dataFolder;
        OtherOrigin = otherOrigin;
        SigningKey = signingKey;
        var addresses = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        BaseUrl = addresses.Addresses.Single().TrimEnd('/');
    }

    /// <summary>The app's origin, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl { get; }

    /// <summary>The app's origin by name, e.g. http://localhost:41234: a secure context, as WebAuthn requires.</summary>
    public string LocalhostUrl => BaseUrl.Replace("://127.0.0.1:", "://localhost:", StringComparison.Ordinal);

    public RecordingServer OtherOrigin { get; }

    /// <summary>The SMTP server the app mails to (links start with the app's own URL: no App:PublicBaseUrl in Development).</summary>
    public SmtpTestServer Mail { get; }

    /// <summary>The app's <c>Jwt:SigningKey</c>, so a test can sign a token the app accepts as genuine; empty in key-ring mode.</summary>
    public byte[] SigningKey { get; }

    /// <summary>The server's warnings, errors and slow requests and commands, for failure messages.</summary>
    public ServerLog Log => factory.Log;

    /// <summary>
    /// Starts a server; with <paramref name="keyRing"/>, in key-ring mode (ES256, no <see cref="SigningKey"/>);
    /// <paramref name="extraSettings"/> are added to (or replace) the usual ones.
    /// </summary>
    public static async Task<BrowserTestServer> StartAsync(bool keyRing = false, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var otherOrigin = await RecordingServer.StartAsync();
        var mail = SmtpTestServer.Start();
        var dataFolder = Directory.CreateTempSubdirectory("jwtmvc-browser-").FullName;
        var signingKey = keyRing ? [] : RandomNumberGenerator.GetBytes(32);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(dataFolder, "jwtmvc.db")}",
            ["Uploads:Root"] = Path.Combine(dataFolder, "uploads"),
            // Every test signs in from 127.0.0.1; the per-client login limit is not what these tests are about.
            ["RateLimiting:Auth:PermitLimit"] = "10000",
            ["RateLimiting:Writes:PermitLimit"] = "10000",
            // The page may talk to this other origin (CSP connect-src), so the test sees what the browser sends there.
            ["SecurityHeaders:ConnectSources:0"] = otherOrigin.Origin,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Email:MinSecondsBetweenMails"] = "0",
        };
        foreach (var (key, value) in mail.Settings)
        {
            settings[key] = value!;
        }

        if (!keyRing)
        {
            settings["Jwt:SigningKey"] = Convert.ToBase64String(signingKey);
        }

        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var factory = new JwtMvcKestrelFactory(settings);
        try
        {
            factory.StartServer();
        }
        catch
        {
            await factory.DisposeAsync();
            await otherOrigin.DisposeAsync();
            await mail.DisposeAsync();
            throw;
        }

        return new BrowserTestServer(factory, otherOrigin, mail, dataFolder, signingKey);
    }

    /// <summary>An HTTP client for the app's API, for arranging what a test needs without the browser.</summary>
    public HttpClient CreateApiClient() => new() { BaseAddress = new Uri(BaseUrl) };

    /// <summary>Registers a new user through the API (a fresh one per call) and answers its credentials.</summary>
    public async Task<(string UserName, string Password)> RegisterUserAsync(string prefix)
    {
        var userName = $"{prefix}{Interlocked.Increment(ref registered)}";
        const string password = "Fresh#12345";
        using var client = CreateApiClient();
        using var response = await client.PostAsJsonAsync("/api/account/register",
            new { userName, email = $"{userName}@example.test", password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), $"registering {userName} through the API should succeed");
        return (userName, password);
    }

    public async ValueTask DisposeAsync()
    {
        await factory.DisposeAsync();
        await OtherOrigin.DisposeAsync();
        await Mail.DisposeAsync();
        try
        {
            Directory.Delete(dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned by the OS anyway.
        }
    }

    private sealed class JwtMvcKestrelFactory : WebApplicationFactory<Program>
    {
        private readonly IReadOnlyDictionary<string, string> settings;

        public ServerLog Log { get; } = new();

        public JwtMvcKestrelFactory(IReadOnlyDictionary<string, string> settings)
        {
            this.settings = settings;
            UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.ConfigureLogging(logging => logging
                .AddProvider(Log)
                .AddFilter<ServerLog>(ServerLog.RequestCategory, LogLevel.Information)
                .AddFilter<ServerLog>(ServerLog.CommandCategory, LogLevel.Information));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
