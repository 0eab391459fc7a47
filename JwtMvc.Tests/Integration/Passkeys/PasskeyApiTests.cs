using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Security;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;

namespace JwtMvc.Tests.Integration.Passkeys;

/// <summary>Passkey registration, username-less sign-in and management through the API, with a software authenticator.</summary>
public sealed class PasskeyApiTests : AppFixture
{
    // The test server has no listening URL; App:PublicBaseUrl names the origin and, by its host, the relying party.
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["App:PublicBaseUrl"] = "http://localhost" });

    private static string[] Amr(string accessToken) =>
        [.. JwtForge.Decode(accessToken).Payload["amr"]!.AsArray().Select(v => v!.GetValue<string>())];

    [Test]
    public async Task A_registered_passkey_signs_in_without_a_user_name_with_amr_hwk_and_mfa_and_a_cookie()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var added = await user.AddPasskeyAsync(authenticator, "  Work laptop ");
        var browser = Factory.CreateBrowserClient(out var cookies);

        var response = await browser.PasskeyLoginAsync(authenticator.Get(await browser.RequestOptionsAsync()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var session = (await response.Content.ReadFromJsonAsync<SessionBody>())!;
        Assert.That(Amr(session.AccessToken), Is.EqualTo(new[] { "hwk", "mfa" }), "the authenticator verified the user");
        Assert.That(JwtForge.Decode(session.AccessToken).Payload["sub"]!.GetValue<string>(), Is.EqualTo(JwtForge.Decode(user.AccessToken).Payload["sub"]!.GetValue<string>()));
        Assert.That(cookies.GetCookies(new Uri(browser.BaseAddress!, "/api/auth/"))["jwtmvc.refresh"], Is.Not.Null, "signed in as by login: refresh cookie set");
        Assert.That(added.Name, Is.EqualTo("Work laptop"), "the name is trimmed");
        Assert.That(added.Id, Is.EqualTo(authenticator.CredentialId));
        var listed = (await user.PasskeysAsync()).Single();
        Assert.That(listed.LastUsedAt, Is.EqualTo(Factory.Clock.GetUtcNow()), "the sign-in is the passkey's last use");
        Assert.That(listed.CreatedAt, Is.EqualTo(Factory.Clock.GetUtcNow()));
    }

    [Test]
    public async Task Once_confirmed_emails_are_required_an_unconfirmed_users_passkey_is_refused_as_the_password_is()
    {
        // Arrange: a user who added a passkey while confirmation was not required (signed in at once, email unconfirmed),
        // and an instance on the same database that requires it.
        var (user, userName, password) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(authenticator);
        await using var requiring = new JwtMvcFactory(
            new Dictionary<string, string?> { ["App:PublicBaseUrl"] = "http://localhost", ["Accounts:RequireConfirmedEmail"] = "true" },
            Factory.DatabasePath) { SigningKey = Factory.SigningKey, Clock = Factory.Clock };
        var client = requiring.CreateClient();

        // Act
        var byPasskey = await client.PasskeyLoginAsync(authenticator.Get(await client.RequestOptionsAsync()));
        var byPassword = await client.PostAsJsonAsync("/api/auth/login", new { userName, password });

        // Assert
        foreach (var (response, how) in new[] { (byPasskey, "passkey"), (byPassword, "password") })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), how);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("email_not_confirmed"), how);
            Assert.That(response.Headers.Contains("Set-Cookie"), Is.False, $"{how}: no refresh cookie");
        }
    }

    [Test]
    public async Task A_replayed_assertion_is_refused()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(authenticator);
        var client = Factory.CreateClient();
        var credential = authenticator.Get(await client.RequestOptionsAsync());

        var first = await client.PasskeyLoginAsync(credential);
        var replay = await client.PasskeyLoginAsync(credential);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the ceremony was used up by the first answer");
    }

    [Test]
    public async Task A_ceremony_older_than_five_minutes_is_refused_and_a_fresh_one_works()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(authenticator);
        var client = Factory.CreateClient();
        var stale = await client.RequestOptionsAsync();

        Factory.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var late = await client.PasskeyLoginAsync(authenticator.Get(stale));
        var fresh = await client.PasskeyLoginAsync(authenticator.Get(await client.RequestOptionsAsync()));

        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the ceremony expired");
        Assert.That(fresh.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_answer_to_another_kind_of_ceremony_or_from_another_origin_is_refused()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(authenticator);
        var client = Factory.CreateClient();

        // Signed for a registration's challenge, posted as a sign-in.
        var creation = await user.CreationOptionsAsync();
        var request = await client.RequestOptionsAsync();
        var crossCeremony = authenticator.Get(WithChallenge(request, creation.GetProperty("challenge").GetString()!));
        var foreignOrigin = authenticator.Get(await client.RequestOptionsAsync(), origin: "http://evil.example");
        authenticator.CrossOrigin = true;
        var inAnIframe = authenticator.Get(await client.RequestOptionsAsync());
        authenticator.CrossOrigin = false;
        var plain = authenticator.Get(await client.RequestOptionsAsync());

        Assert.That((await client.PasskeyLoginAsync(crossCeremony)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a challenge from a registration");
        Assert.That((await client.PasskeyLoginAsync(foreignOrigin)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an origin the app is not at");
        Assert.That((await client.PasskeyLoginAsync(inAnIframe)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a ceremony in a cross-origin iframe");
        Assert.That((await client.PasskeyLoginAsync(plain)).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the same passkey, not in an iframe");
        Assert.That(await SessionCountAsync(user), Is.EqualTo(2), "no session was started but the test's own and the plain sign-in's");
    }

    [Test]
    public async Task Malformed_sign_in_credentials_are_400_or_401_never_500_and_start_no_session()
    {
        var client = Factory.CreateClient();
        var challenge = (await client.RequestOptionsAsync()).GetProperty("challenge").GetString()!;
        var clientData = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"type":"webauthn.get","challenge":"{{challenge}}","origin":"http://localhost"}"""));
        var bodies = new[]
        {
            "{}",
            """{"credential":null}""",
            """{"credential":"not json"}""",
            """{"credential":{}}""",
            """{"credential":{"response":{"clientDataJSON":"!!!"}}}""",
            """{"credential":[1,2,3]}""",
            "not json at all",
            """{"credential":{"id":"AAAA","type":"public-key","response":{"clientDataJSON":"CLIENT_DATA","authenticatorData":"AAAA","signature":"AAAA"}}}""".Replace("CLIENT_DATA", clientData, StringComparison.Ordinal),
        };

        foreach (var body in bodies)
        {
            var response = await client.PostAsync("/api/auth/passkey/login", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized), body);
            Assert.That(response.Headers.Contains("Set-Cookie"), Is.False, body);
        }
    }

    [Test]
    public async Task A_bad_registration_is_a_400_and_stores_nothing()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        var (bob, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var rowsBefore = await PasskeyRowsAsync();
        var options = await user.CreationOptionsAsync();
        var good = authenticator.Create(options);
        var cases = new (string Why, object Body)[]
        {
            ("no name", new { credential = good, name = "" }),
            ("a name too long", new { credential = good, name = new string('x', 65) }),
            ("a name with a line break", new { credential = good, name = "a\nb" }),
            ("no credential", new { name = "Laptop" }),
            ("garbage", new { credential = "garbage", name = "Laptop" }),
            ("a sign-in's challenge", new { credential = authenticator.Create(WithChallenge(options, (await Factory.CreateClient().RequestOptionsAsync()).GetProperty("challenge").GetString()!)), name = "Laptop" }),
            ("webauthn.get as type", new { credential = authenticator.Create(await user.CreationOptionsAsync(), type: "webauthn.get"), name = "Laptop" }),
            ("another origin", new { credential = authenticator.Create(await user.CreationOptionsAsync(), origin: "http://evil.example"), name = "Laptop" }),
            ("a cross-origin iframe", new { credential = CrossOrigin(authenticator, await user.CreationOptionsAsync()), name = "Laptop" }),
        };

        foreach (var (why, body) in cases)
        {
            var response = await user.SendAsync(HttpMethod.Post, "/api/account/passkeys", body);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), why);
        }

        var stolen = await bob.SendAsync(HttpMethod.Post, "/api/account/passkeys", new { credential = authenticator.Create(await user.CreationOptionsAsync()), name = "Laptop" });
        Assert.That(stolen.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "another user's registration ceremony");
        Assert.That(await user.PasskeysAsync(), Is.Empty);
        Assert.That(await bob.PasskeysAsync(), Is.Empty);
        Assert.That(await PasskeyRowsAsync(), Is.EqualTo(rowsBefore), "nothing stored");
    }

    [Test]
    public async Task An_account_holds_at_most_100_passkeys_and_removing_one_makes_room()
    {
        // Arrange: a ceremony started one passkey below the limit, then the limit reached by another registration.
        var (user, _, _) = await Factory.NewUserAsync();
        await StorePasskeysAsync(user, PasskeyService.MaxPasskeysPerUser - 1);
        using var authenticator = new SoftwareAuthenticator();
        var startedBelow = authenticator.Create(await user.CreationOptionsAsync());
        await StorePasskeysAsync(user, 1);
        var challengesAtLimit = await CreationChallengesOfAsync(user);

        // Act
        var optionsAtLimit = await user.SendAsync(HttpMethod.Post, "/api/account/passkeys/options");
        var challengesAfterRefusedOptions = await CreationChallengesOfAsync(user);
        var finishedAtLimit = await user.SendAsync(HttpMethod.Post, "/api/account/passkeys", new { credential = startedBelow, name = "One more" });
        var countAfterRefusals = await PasskeyRowsOfAsync(user);
        var removed = await user.SendAsync(HttpMethod.Delete, $"/api/account/passkeys/{(await user.PasskeysAsync())[0].Id}");
        var added = await user.SendAsync(HttpMethod.Post, "/api/account/passkeys", new { credential = authenticator.Create(await user.CreationOptionsAsync()), name = "One more" });

        // Assert: no ceremony for an account at the limit, so no authenticator keeps a credential the server refuses.
        Assert.That(optionsAtLimit.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await CredentialErrorAsync(optionsAtLimit), Does.Contain("at most 100 passkeys"));
        Assert.That(challengesAfterRefusedOptions, Is.EqualTo(challengesAtLimit), "no ceremony was started");
        Assert.That(finishedAtLimit.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a ceremony started below the limit is still refused at it");
        Assert.That(await CredentialErrorAsync(finishedAtLimit), Does.Contain("at most 100 passkeys"));
        Assert.That(countAfterRefusals, Is.EqualTo(100), "the refused passkey was not stored");
        Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created), await added.Content.ReadAsStringAsync());
        Assert.That((await user.PasskeysAsync()).Select(p => p.Name).ToArray(), Has.Length.EqualTo(100).And.Contains("One more"));
    }

    [Test]
    public async Task Concurrent_registrations_near_the_limit_stop_exactly_at_it()
    {
        // Arrange: two short of the limit, four credentials made for four ceremonies.
        var (user, _, _) = await Factory.NewUserAsync();
        await StorePasskeysAsync(user, PasskeyService.MaxPasskeysPerUser - 2);
        var authenticators = Enumerable.Range(0, 4).Select(_ => new SoftwareAuthenticator()).ToArray();
        var credentials = new List<JsonObject>();
        foreach (var authenticator in authenticators)
        {
            credentials.Add(authenticator.Create(await user.CreationOptionsAsync()));
        }

        // Act
        var responses = await Task.WhenAll(credentials.Select((credential, i) =>
            user.SendAsync(HttpMethod.Post, "/api/account/passkeys", new { credential, name = $"Device {i}" })));

        // Assert
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Created), Is.EqualTo(2), "only two fit");
        Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest), Is.EqualTo(2));
        Assert.That((await user.PasskeysAsync()).Length, Is.EqualTo(PasskeyService.MaxPasskeysPerUser), "never more than the limit");
        Assert.That(await PasskeyRowsOfAsync(user), Is.EqualTo(PasskeyService.MaxPasskeysPerUser), "no refused passkey left a row behind");
        foreach (var authenticator in authenticators)
        {
            authenticator.Dispose();
        }
    }

    [Test]
    public async Task A_registration_that_another_saved_before_leaves_no_passkey_row_behind()
    {
        // Arrange: a registration holds the user record as it read it; then another registration of the user saves.
        var (user, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await using var scope = Factory.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IPasskeyStore>();
        var start = (await store.BeginRegistrationAsync(UserIdOf(user), CancellationToken.None))!;
        var credential = authenticator.Create(JsonDocument.Parse(start.OptionsJson).RootElement);
        await StorePasskeysAsync(user, 1);

        // Act
        var outcome = await store.RegisterAsync(
            UserIdOf(user), credential.ToJsonString(), start.State, "Laptop", PasskeyService.MaxPasskeysPerUser, Factory.Clock.GetUtcNow(), CancellationToken.None);

        // Assert: Identity refuses the stale user record, and the passkey row it had already saved is rolled back.
        Assert.That(outcome, Is.InstanceOf<PasskeyRegistration.Refused>());
        Assert.That(await PasskeyRowsOfAsync(user), Is.EqualTo(1), "only the other registration's passkey");
    }

    [Test]
    public async Task Rename_and_remove_work_on_ones_own_passkeys_only()
    {
        var (alice, _, _) = await Factory.NewUserAsync();
        var (bob, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var passkey = await alice.AddPasskeyAsync(authenticator);
        var path = "/api/account/passkeys/" + passkey.Id;

        Assert.That((await bob.SendAsync(HttpMethod.Put, path, new { name = "Mine now" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await bob.SendAsync(HttpMethod.Delete, path)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await alice.SendAsync(HttpMethod.Delete, "/api/account/passkeys/not*base64")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await alice.SendAsync(HttpMethod.Put, path, new { name = " " })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var renamed = await alice.SendAsync(HttpMethod.Put, path, new { name = "Phone" });
        Assert.That(renamed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await alice.PasskeysAsync()).Single().Name, Is.EqualTo("Phone"));

        Assert.That((await alice.SendAsync(HttpMethod.Delete, path)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await alice.PasskeysAsync(), Is.Empty);
        var client = Factory.CreateClient();
        var refused = await client.PasskeyLoginAsync(authenticator.Get(await client.RequestOptionsAsync()));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a removed passkey signs no one in");
    }

    [Test]
    public async Task Registering_renaming_removing_and_signing_in_are_security_events()
    {
        var (user, userName, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        var passkey = await user.AddPasskeyAsync(authenticator, "Key");
        var client = Factory.CreateClient();
        await client.PasskeyLoginAsync(authenticator.Get(await client.RequestOptionsAsync()));
        await user.SendAsync(HttpMethod.Put, "/api/account/passkeys/" + passkey.Id, new { name = "Key 2" });
        await user.SendAsync(HttpMethod.Delete, "/api/account/passkeys/" + passkey.Id);

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var details = await db.SecurityEvents.Where(e => e.Type == SecurityEventTypes.Passkey && e.UserName == userName).OrderBy(e => e.Id).Select(e => e.Detail).ToListAsync();
        Assert.That(details, Is.EqualTo(new[] { "registered passkey 'Key'", "signed in with passkey 'Key'", "renamed passkey to 'Key 2'", "removed passkey 'Key 2'" }));
    }

    [Test]
    public async Task Admin_user_items_count_passkeys_and_resetting_2fa_removes_them()
    {
        var admin = await Factory.LoginAsync("admin");
        var (user, userName, _) = await Factory.NewUserAsync();
        using var laptop = new SoftwareAuthenticator();
        using var phone = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(laptop, "Laptop");
        await user.AddPasskeyAsync(phone, "Phone");
        var id = (await admin.FindUserAsync(userName)).Id;

        Assert.That((await admin.FindUserAsync(userName)).PasskeyCount, Is.EqualTo(2));
        var reset = await admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{id}/reset-2fa");

        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await reset.Content.ReadAsStringAsync());
        Assert.That((await admin.FindUserAsync(userName)).PasskeyCount, Is.EqualTo(0));
        var client = Factory.CreateClient();
        Assert.That((await client.PasskeyLoginAsync(laptop.Get(await client.RequestOptionsAsync()))).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized),
            "a passkey removed by the reset signs no one in");
        Assert.That((await admin.AuditOfAsync(id))[0].Detail, Does.StartWith("two-factor sign-in was off; 2 passkeys removed"));
        Assert.That((await admin.SecurityEventsAsync(SecurityEventTypes.Passkey, id))[0].Detail, Is.EqualTo("2 passkeys removed by admin admin"));
    }

    [Test]
    public async Task Passkey_sign_ins_count_in_the_login_metric()
    {
        var (user, _, _) = await Factory.NewUserAsync();
        using var authenticator = new SoftwareAuthenticator();
        await user.AddPasskeyAsync(authenticator);
        var client = Factory.CreateClient();
        var credential = authenticator.Get(await client.RequestOptionsAsync());
        var meterFactory = Factory.Services.GetRequiredService<IMeterFactory>();
        var counted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == "jwtmvc.auth.logins" && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            counted.AddOrUpdate(string.Concat(tags.ToArray().Select(t => $"{t.Key}={t.Value}")), value, (_, total) => total + value));
        listener.Start();

        await client.PasskeyLoginAsync(credential);
        await client.PasskeyLoginAsync(credential);

        Assert.That(counted.GetValueOrDefault("result=success"), Is.EqualTo(1), "the sign-in");
        Assert.That(counted.GetValueOrDefault("result=failure"), Is.EqualTo(1), "the replay");
    }

    private static JsonElement WithChallenge(JsonElement options, string challenge)
    {
        var node = JsonNode.Parse(options.GetRawText())!.AsObject();
        node["challenge"] = challenge;
        return JsonSerializer.Deserialize<JsonElement>(node.ToJsonString());
    }

    private async Task<int> SessionCountAsync(SignedInClient user)
    {
        var userId = JwtForge.Decode(user.AccessToken).Payload["sub"]!.GetValue<string>();
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().Sessions.CountAsync(s => s.UserId == userId);
    }

    /// <summary>Gives the user <paramref name="count"/> passkeys as Identity stores them, with random credential ids: never used to sign in.</summary>
    private async Task StorePasskeysAsync(SignedInClient user, int count)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var account = (await users.FindByIdAsync(UserIdOf(user)))!;
        for (var i = 0; i < count; i++)
        {
            var passkey = new UserPasskeyInfo(
                RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(77), Factory.Clock.GetUtcNow(), 0, null, true, false, false, [], [])
            {
                Name = "Stored",
            };
            Assert.That((await users.AddOrUpdatePasskeyAsync(account, passkey)).Succeeded, Is.True);
        }
    }

    private async Task<int> PasskeyRowsOfAsync(SignedInClient user)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var userId = UserIdOf(user);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserPasskeys.CountAsync(p => p.UserId == userId);
    }

    private static async Task<string?> CredentialErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("credential")[0].GetString();

    private async Task<int> CreationChallengesOfAsync(SignedInClient user)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var userId = UserIdOf(user);
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().AuthChallenges
            .CountAsync(c => c.UserId == userId && c.Kind == AuthChallengeKinds.PasskeyCreation);
    }

    private static string UserIdOf(SignedInClient user) => JwtForge.Decode(user.AccessToken).Payload["sub"]!.GetValue<string>();

    private async Task<int> PasskeyRowsAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().UserPasskeys.CountAsync();
    }

    private static JsonObject CrossOrigin(SoftwareAuthenticator authenticator, JsonElement options)
    {
        authenticator.CrossOrigin = true;
        try
        {
            return authenticator.Create(options);
        }
        finally
        {
            authenticator.CrossOrigin = false;
        }
    }
}

/// <summary>Without a relying party (not Development, no App:PublicBaseUrl, no Passkeys:ServerDomain) passkeys are off.</summary>
public sealed class PasskeysOffTests : AppFixture
{
    private readonly LogSink log = new();

    protected override JwtMvcFactory CreateFactory() =>
        new LoggingFactory(log, new Dictionary<string, string?> { ["Email:Enabled"] = "false" }) { Environment = "Production" };

    [Test]
    public void The_start_warns_that_passkeys_are_off()
    {
        _ = Factory.Services; // started

        Assert.That(log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message),
            Has.Some.StartsWith("Passkeys are off"), "a missing relying party is said at start");
    }

    [Test]
    public async Task Passkey_endpoints_answer_404_and_the_pages_show_no_passkey_controls()
    {
        using var client = Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        var register = await client.PostAsJsonAsync("/api/account/register", new { userName = "carol", email = "carol@example.test", password = "Secret#12345" });
        Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.Created), await register.Content.ReadAsStringAsync());
        var login = await client.PostAsJsonAsync("/api/auth/login", new { userName = "carol", password = "Secret#12345" });
        var token = (await login.Content.ReadFromJsonAsync<SessionBody>())!.AccessToken;

        Assert.That((await client.PostAsync("/api/auth/passkey/options", null)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.PostAsJsonAsync("/api/auth/passkey/login", new { credential = new { } })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var list = new HttpRequestMessage(HttpMethod.Get, "/api/account/passkeys");
        list.Headers.Authorization = new("Bearer", token);
        Assert.That((await client.SendAsync(list)).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "signed in, still 404");
        Assert.That(await client.GetStringAsync("/account/login"), Does.Not.Contain("passkey-login"));
        Assert.That(await client.GetStringAsync("/account"), Does.Not.Contain("add-passkey"));
    }
}

internal sealed class LoggingFactory(LogSink sink, IReadOnlyDictionary<string, string?> settings) : JwtMvcFactory(settings)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(sink));
    }
}
