using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace JwtMvc.Tests.Integration.Keys;

/// <summary>
/// Another service verifies JwtMvc's tokens with nothing but <c>Authority</c> (and the audience): JwtMvc on real
/// Kestrel, and a separate minimal API with <c>AddJwtBearer</c> on another port, both on 127.0.0.1.
/// </summary>
public sealed class ExternalVerifierTests
{
    private JwtMvcFactory jwtMvc = null!;
    private string jwtMvcUrl = null!;
    private WebApplication verifier = null!;
    private HttpClient verifierClient = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // The verifier checks lifetimes on the real clock; JwtMvc's fake clock starts at the real now and is not moved here.
        jwtMvc = new JwtMvcFactory { SigningKey = null };
        jwtMvc.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        jwtMvc.StartServer();
        jwtMvcUrl = ListeningUrl(jwtMvc.Services);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = jwtMvcUrl;
            options.Audience = "jwtmvc";
            options.RequireHttpsMetadata = false; // plain HTTP on loopback in this test
        });
        builder.Services.AddAuthorization();
        verifier = builder.Build();
        verifier.UseAuthentication();
        verifier.UseAuthorization();
        verifier.MapGet("/whoami", (HttpContext context) => context.User.FindFirst("sub")?.Value ?? "").RequireAuthorization();
        await verifier.StartAsync();
        verifierClient = new HttpClient { BaseAddress = new Uri(ListeningUrl(verifier.Services)) };
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        verifierClient.Dispose();
        await verifier.DisposeAsync();
        jwtMvc.Dispose();
    }

    [Test]
    public async Task It_accepts_JwtMvc_tokens_then_new_keys_after_a_rotation_and_refuses_a_revoked_key_once_it_refreshes()
    {
        using var alice = new SignedInBrowser(jwtMvcUrl);
        using var admin = new SignedInBrowser(jwtMvcUrl);
        var first = await alice.LoginAsync("alice");
        await admin.LoginAsync("admin");

        Assert.That((await WhoAmIAsync(first)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a JwtMvc access token is accepted");

        Assert.That((await admin.PostAsync("/api/admin/keys/rotate")).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var afterRotation = await alice.RefreshAsync();
        Assert.That(JwtForge.Decode(afterRotation).Header["kid"]!.ToString(), Is.Not.EqualTo(JwtForge.Decode(first).Header["kid"]!.ToString()));
        await RefetchMetadataAsync();
        Assert.That((await WhoAmIAsync(afterRotation)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a token of the new key is accepted after the metadata refresh");
        Assert.That((await WhoAmIAsync(first)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the retired key is still published");

        var revokedKid = JwtForge.Decode(afterRotation).Header["kid"]!.ToString();
        Assert.That((await admin.PostAsync($"/api/admin/keys/{revokedKid}/revoke")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await RefetchMetadataAsync();
        Assert.That((await WhoAmIAsync(afterRotation)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a revoked key's token is refused once the verifier refreshes");
        var recovered = await alice.RefreshAsync();
        Assert.That((await WhoAmIAsync(recovered)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the key that replaced it is accepted");
    }

    private async Task<HttpResponseMessage> WhoAmIAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await verifierClient.SendAsync(request);
    }

    /// <summary>
    /// What the verifier does when its metadata refresh interval elapses: fetch discovery and JWKS again. A new
    /// configuration manager fetches on first use, deterministically; <c>RequestRefresh</c> would refresh on its own schedule.
    /// </summary>
    private async Task RefetchMetadataAsync()
    {
        var options = verifier.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        var manager = new ConfigurationManager<OpenIdConnectConfiguration>(
            options.MetadataAddress,
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(options.Backchannel) { RequireHttps = false });
        await manager.GetConfigurationAsync(CancellationToken.None);
        options.ConfigurationManager = manager;
    }

    private static string ListeningUrl(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single().TrimEnd('/');

    /// <summary>A cookie-keeping client of JwtMvc over real HTTP, as a browser would talk to it.</summary>
    private sealed class SignedInBrowser(string baseUrl) : IDisposable
    {
        private readonly HttpClient client = new(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };
        private string accessToken = "";

        public async Task<string> LoginAsync(string userName)
        {
            var response = await client.PostAsJsonAsync("/api/auth/login", new { userName, password = JwtMvcFactory.PasswordOf(userName) });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{userName} must be able to log in");
            return accessToken = (await response.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
        }

        public async Task<string> RefreshAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/refresh");
            request.Headers.Add("X-Requested-With", "XMLHttpRequest");
            var response = await client.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the refresh must succeed");
            return accessToken = (await response.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;
        }

        public Task<HttpResponseMessage> PostAsync(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            return client.SendAsync(request);
        }

        public void Dispose() => client.Dispose();
    }
}
