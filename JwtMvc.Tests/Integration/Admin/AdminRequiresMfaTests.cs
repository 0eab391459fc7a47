using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JwtMvc.Tests.Integration.Admin;

/// <summary>Authorization:AdminRequiresMfa on: the admin APIs refuse an admin token whose sign-in had no second factor.</summary>
public sealed class AdminRequiresMfaTests : AppFixture
{
    private static readonly string[] AdminReads =
    [
        "/api/admin/users",
        "/api/admin/keys",
        "/api/admin/orders",
        "/api/admin/security/events",
    ];

    private string adminKey = null!;
    private string passwordOnlyAdmin = null!;

    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Authorization:AdminRequiresMfa"] = "true" });

    [OneTimeSetUp]
    public async Task EnrolTheAdmin()
    {
        // Enrolling uses the account API, which a password-only admin token may call.
        var admin = await Factory.LoginAsync("admin");
        (adminKey, _) = await Factory.EnableTwoFactorAsync(admin);

        // Another admin, without 2FA: their password alone gives an admin token without mfa.
        var withCode = await Factory.LoginWithCodeAsync("admin", JwtMvcFactory.PasswordOf("admin"), adminKey);
        passwordOnlyAdmin = (await withCode.CreateUserAsync(AdminApi.NewUserName("pwdadmin"), roles: ["Admin"])).UserName;
    }

    [TestCaseSource(nameof(AdminReads))]
    public async Task A_password_only_admin_token_is_403_with_a_problem_saying_a_second_factor_is_needed(string path)
    {
        var passwordOnly = await SignInWithPasswordOnlyAsync();

        var response = await passwordOnly.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the Admin role alone is not enough");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That((string?)problem["code"], Is.EqualTo("mfa_required"));
        Assert.That((int?)problem["status"], Is.EqualTo(403));
        Assert.That((string?)problem["detail"], Does.Contain("second factor"));
    }

    [TestCaseSource(nameof(AdminReads))]
    public async Task An_admin_token_from_password_and_authenticator_code_is_allowed(string path)
    {
        var admin = await Factory.LoginWithCodeAsync("admin", JwtMvcFactory.PasswordOf("admin"), adminKey);

        var response = await admin.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "amr holds mfa");
    }

    [Test]
    public async Task A_password_only_admin_cannot_change_anything_either()
    {
        var passwordOnly = await SignInWithPasswordOnlyAsync();
        var admin = await Factory.LoginWithCodeAsync("admin", JwtMvcFactory.PasswordOf("admin"), adminKey);
        var bob = await admin.FindUserAsync("bob");

        var response = await passwordOnly.SendAsync(HttpMethod.Post, $"/api/admin/users/{bob.Id}/lock", new { });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await admin.FindUserAsync("bob")).LockedOut, Is.False, "nothing changed");
    }

    [Test]
    public async Task A_user_without_the_Admin_role_still_gets_the_plain_403()
    {
        var alice = await Factory.LoginAsync("alice");

        var response = await alice.GetAsync("/api/admin/users");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Not.Contain("mfa_required"), "a second factor would not help alice");
    }

    [Test]
    public void The_setting_is_bound_from_the_Authorization_section()
    {
        var options = Factory.Services.GetRequiredService<IOptions<JwtMvc.Core.Auth.AppAuthorizationOptions>>().Value;

        Assert.That(options.AdminRequiresMfa, Is.True);
    }

    private Task<SignedInClient> SignInWithPasswordOnlyAsync() => Factory.LoginAsync(passwordOnlyAdmin, "Strong#12345");
}

/// <summary>Authorization:AdminRequiresMfa off (the default): the Admin role is enough, and a bad value stops the start.</summary>
public sealed class AdminRequiresMfaOffTests : AppFixture
{
    [Test]
    public async Task A_password_only_admin_token_is_enough()
    {
        var admin = await Factory.LoginAsync("admin");

        var response = await admin.GetAsync("/api/admin/users");

        Assert.That(JwtForge.Decode(admin.AccessToken).Payload["amr"]!.AsArray().Select(v => (string?)v), Is.EqualTo(new[] { "pwd" }), "a password-only token");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "without the setting an admin needs no second factor");
    }

    [Test]
    public void A_setting_that_is_not_a_boolean_stops_the_start_naming_it()
    {
        using var factory = new JwtMvcFactory(new Dictionary<string, string?> { ["Authorization:AdminRequiresMfa"] = "sometimes" });

        var exception = Assert.Catch(() => factory.CreateClient());

        Assert.That(exception!.ToString(), Does.Contain("Authorization:AdminRequiresMfa"));
    }
}
