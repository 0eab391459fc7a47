using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Admin;

/// <summary>
/// The last admin who can sign in cannot be removed. Through HTTP only a stale admin can try: one whose
/// demotion another instance has not noticed yet (its session check trusts its cache for a few seconds).
/// </summary>
public sealed class LastAdminTests : TwoInstanceFixture
{
    [Test]
    public async Task The_last_admin_cannot_be_deleted_demoted_or_locked_even_by_another_admins_stale_session()
    {
        var admin = await First.LoginAsync("admin");
        var other = await admin.CreateUserAsync(AdminApi.NewUserName("admin"), roles: ["Admin"]);
        var staleAdmin = await Second.LoginAsync(other.UserName, "Strong#12345");
        Assert.That((await staleAdmin.GetAsync("/api/admin/users")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "an admin on the second instance, session cached there");
        var adminId = (await admin.FindUserAsync("admin")).Id;

        var demoteOther = await admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{other.Id}/roles", new { roles = new[] { "User" } });
        var delete = await staleAdmin.SendAsync(HttpMethod.Delete, "/api/admin/users/" + adminId);
        var demote = await staleAdmin.SendAsync(HttpMethod.Put, $"/api/admin/users/{adminId}/roles", new { roles = new[] { "User" } });
        var lockOut = await staleAdmin.SendAsync(HttpMethod.Post, $"/api/admin/users/{adminId}/lock");

        Assert.That(demoteOther.StatusCode, Is.EqualTo(HttpStatusCode.OK), "demoting one of two admins is fine");
        foreach (var (response, what) in new[] { (delete, "deleted"), (demote, "demoted"), (lockOut, "locked out") })
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), $"the last admin cannot be {what}");
            var problem = (await response.Content.ReadFromJsonAsync<ProblemBody>())!;
            Assert.That(problem.Title, Does.Contain("last admin"));
            Assert.That(problem.Detail, Does.Contain("only admin"), "the problem says why");
        }

        Assert.That((await admin.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the last admin keeps their access");
        Assert.That((await admin.FindUserAsync("admin")).Roles, Is.EqualTo(new[] { "Admin" }));
    }
}
