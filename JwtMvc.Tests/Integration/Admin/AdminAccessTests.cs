using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Admin;

/// <summary>Every /api/admin/users endpoint is for admins only.</summary>
public sealed class AdminAccessTests
{
    private JwtMvcFactory factory = null!;
    private string bobId = null!;

    public static IEnumerable<TestCaseData> Routes()
    {
        object? none = null;
        (string Method, string Path, object? Body)[] routes =
        [
            ("GET", "/api/admin/users?search=bob", none),
            ("POST", "/api/admin/users", new { userName = "mallory", email = "mallory@example.test", password = "Mallory#12345", roles = new[] { "Admin" } }),
            ("GET", "/api/admin/users/{id}", none),
            ("PUT", "/api/admin/users/{id}", new { displayName = "pwned", email = "bob@example.test" }),
            ("GET", "/api/admin/users/{id}/audit", none),
            ("PUT", "/api/admin/users/{id}/roles", new { roles = new[] { "Admin" } }),
            ("POST", "/api/admin/users/{id}/lock", new { }),
            ("POST", "/api/admin/users/{id}/unlock", none),
            ("POST", "/api/admin/users/{id}/reset-password", new { newPassword = "Pwned#12345" }),
            ("DELETE", "/api/admin/users/{id}", none),
            ("GET", "/api/admin/users/{id}/sessions", none),
            ("DELETE", "/api/admin/users/{id}/sessions", none),
            ("POST", "/api/admin/users/{id}/reset-2fa", none),
        ];
        return routes.Select(r => new TestCaseData(r.Method, r.Path, r.Body).SetArgDisplayNames(r.Method, r.Path));
    }

    [OneTimeSetUp]
    public async Task StartApp()
    {
        factory = new JwtMvcFactory();
        var admin = await factory.LoginAsync("admin");
        bobId = (await admin.FindUserAsync("bob")).Id;
    }

    [OneTimeTearDown]
    public void StopApp() => factory.Dispose();

    [TestCaseSource(nameof(Routes))]
    public async Task A_signed_in_user_without_the_Admin_role_is_forbidden(string method, string path, object? body)
    {
        var alice = await factory.LoginAsync("alice");

        var response = await alice.SendAsync(new HttpMethod(method), path.Replace("{id}", bobId, StringComparison.Ordinal), body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only admins may use the admin API");
        var admin = await factory.LoginAsync("admin");
        var bob = await (await admin.GetAsync("/api/admin/users/" + bobId)).Content.ReadFromJsonAsync<AdminUserBody>();
        Assert.That(bob, Is.Not.Null.And.Property(nameof(AdminUserBody.LockedOut)).False.And.Property(nameof(AdminUserBody.Roles)).EqualTo(new[] { "User" }),
            "bob is unchanged after a forbidden call");
    }

    [TestCaseSource(nameof(Routes))]
    public async Task A_request_without_a_token_is_401_with_a_bearer_challenge(string method, string path, object? body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", bobId, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var response = await factory.CreateClient().SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the admin API needs a token");
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
    }

    [TestCase("GET", "/api/admin/users/{id}")]
    [TestCase("PUT", "/api/admin/users/{id}/roles")]
    [TestCase("POST", "/api/admin/users/{id}/lock")]
    [TestCase("POST", "/api/admin/users/{id}/unlock")]
    [TestCase("DELETE", "/api/admin/users/{id}")]
    [TestCase("GET", "/api/admin/users/{id}/audit")]
    [TestCase("GET", "/api/admin/users/{id}/sessions")]
    [TestCase("DELETE", "/api/admin/users/{id}/sessions")]
    [TestCase("POST", "/api/admin/users/{id}/reset-2fa")]
    public async Task An_unknown_user_id_is_404(string method, string path)
    {
        var admin = await factory.LoginAsync("admin");
        object? body = method == "PUT" ? new { roles = new[] { "User" } } : null;

        var response = await admin.SendAsync(new HttpMethod(method), path.Replace("{id}", Guid.NewGuid().ToString(), StringComparison.Ordinal), body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "an id that names no user");
    }

    [Test]
    public async Task The_Admin_policy_requires_the_Admin_role_that_every_database_has()
    {
        // Arrange
        await using var scope = factory.Services.CreateAsyncScope();

        // Act
        var policy = await scope.ServiceProvider.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(AppPolicies.Admin);
        var roles = await scope.ServiceProvider.GetRequiredService<AppDbContext>().Roles.Select(r => r.Name).ToListAsync();

        // Assert
        Assert.That(policy, Is.Not.Null, "the policy the admin endpoints name is registered");
        Assert.That(
            policy!.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles),
            Is.EqualTo(new[] { AppRoles.Admin }),
            "the policy asks for the role by the one spelling of its name");
        Assert.That(roles, Does.Contain(AppRoles.Admin), "the role the policy asks for is one the database has");
    }
}
