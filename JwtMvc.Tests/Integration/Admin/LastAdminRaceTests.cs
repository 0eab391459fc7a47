using System.Net;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Admin;

/// <summary>
/// Two instances on one database, two admins removing each other at the same moment: exactly one succeeds.
/// Each instance's own gate cannot see the other instance; the database transaction that re-counts the admins can.
/// </summary>
public sealed class LastAdminDemotionRaceTests : TwoInstanceFixture
{
    [Test]
    public async Task Two_admins_demoting_each_other_on_two_instances_leave_exactly_one_admin()
    {
        var (admin, other, adminId, otherId) = await TwoAdminsOnTwoInstancesAsync(First, Second);

        var answers = await AtTheSameMomentAsync(
            () => admin.SendAsync(HttpMethod.Put, $"/api/admin/users/{otherId}/roles", new { roles = new[] { "User" } }),
            () => other.SendAsync(HttpMethod.Put, $"/api/admin/users/{adminId}/roles", new { roles = new[] { "User" } }));

        Assert.That(answers.Count(a => a == HttpStatusCode.OK), Is.EqualTo(1), () => "exactly one demotion succeeds; answers: " + string.Join(", ", answers));
        Assert.That(answers.Count(a => a == HttpStatusCode.Conflict), Is.EqualTo(1), () => "the other is refused as the last admin; answers: " + string.Join(", ", answers));
        Assert.That(await ActiveAdminsAsync(First), Has.Count.EqualTo(1), "one admin remains");
    }

    internal static async Task<(SignedInClient Admin, SignedInClient Other, string AdminId, string OtherId)> TwoAdminsOnTwoInstancesAsync(JwtMvcFactory first, JwtMvcFactory second)
    {
        var admin = await first.LoginAsync("admin");
        var created = await admin.CreateUserAsync(AdminApi.NewUserName("admin"), roles: ["Admin"]);
        var other = await second.LoginAsync(created.UserName, "Strong#12345");

        // Each admin has used the admin API on their own instance, as an open admin page has, so each instance trusts its
        // admin's session for a while. The race below is then always decided by the database's re-count of the admins
        // (409). Otherwise, on a busy machine, the loser's first request could reach its instance only after the winner
        // had revoked the loser's sessions: a 401, which is right but does not test the re-count.
        foreach (var client in new[] { admin, other })
        {
            Assert.That((await client.SendAsync(HttpMethod.Get, "/api/admin/users")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "arranged: an admin at work");
        }

        var adminId = (await admin.FindUserAsync("admin")).Id;
        Assert.That(await ActiveAdminsAsync(first), Has.Count.EqualTo(2), "arranged: exactly two admins");
        return (admin, other, adminId, created.Id);
    }

    internal static async Task<HttpStatusCode[]> AtTheSameMomentAsync(params Func<Task<HttpResponseMessage>>[] requests)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = requests.Select(request => Task.Run(async () =>
        {
            await start.Task;
            return (await request()).StatusCode;
        })).ToList();
        start.SetResult();
        return await Task.WhenAll(running);
    }

    internal static async Task<IReadOnlyList<string>> ActiveAdminsAsync(JwtMvcFactory instance)
    {
        await using var scope = instance.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IUserAdministration>()
            .ListActiveMembersAsync(AppRoles.Admin, instance.Clock.GetUtcNow(), CancellationToken.None);
    }
}

public sealed class LastAdminDeleteRaceTests : TwoInstanceFixture
{
    [Test]
    public async Task Two_admins_deleting_each_other_on_two_instances_leave_exactly_one_admin_with_their_sessions()
    {
        var (admin, other, adminId, otherId) = await LastAdminDemotionRaceTests.TwoAdminsOnTwoInstancesAsync(First, Second);

        var answers = await LastAdminDemotionRaceTests.AtTheSameMomentAsync(
            () => admin.SendAsync(HttpMethod.Delete, $"/api/admin/users/{otherId}"),
            () => other.SendAsync(HttpMethod.Delete, $"/api/admin/users/{adminId}"));

        Assert.That(answers.Count(a => a == HttpStatusCode.NoContent), Is.EqualTo(1), () => "exactly one delete succeeds; answers: " + string.Join(", ", answers));
        Assert.That(answers.Count(a => a == HttpStatusCode.Conflict), Is.EqualTo(1), () => "the other is refused as the last admin; answers: " + string.Join(", ", answers));
        var survivors = await LastAdminDemotionRaceTests.ActiveAdminsAsync(First);
        Assert.That(survivors, Has.Count.EqualTo(1), "one admin remains");
        await using var scope = First.Services.CreateAsyncScope();
        var sessions = await scope.ServiceProvider.GetRequiredService<ISessionStore>().ListActiveSessionsAsync(survivors[0], First.Clock.GetUtcNow(), CancellationToken.None);
        Assert.That(sessions, Is.Not.Empty, "the refused delete did not end the remaining admin's sessions");
    }
}

public sealed class LastAdminLockRaceTests : TwoInstanceFixture
{
    [Test]
    public async Task Two_admins_locking_each_other_out_on_two_instances_leave_exactly_one_admin()
    {
        var (admin, other, adminId, otherId) = await LastAdminDemotionRaceTests.TwoAdminsOnTwoInstancesAsync(First, Second);

        var answers = await LastAdminDemotionRaceTests.AtTheSameMomentAsync(
            () => admin.SendAsync(HttpMethod.Post, $"/api/admin/users/{otherId}/lock"),
            () => other.SendAsync(HttpMethod.Post, $"/api/admin/users/{adminId}/lock"));

        Assert.That(answers.Count(a => a == HttpStatusCode.OK), Is.EqualTo(1), () => "exactly one lockout succeeds; answers: " + string.Join(", ", answers));
        Assert.That(answers.Count(a => a == HttpStatusCode.Conflict), Is.EqualTo(1), () => "the other is refused as the last admin; answers: " + string.Join(", ", answers));
        Assert.That(await LastAdminDemotionRaceTests.ActiveAdminsAsync(First), Has.Count.EqualTo(1), "one admin remains");
    }

    [Test]
    public async Task The_database_refuses_to_take_the_last_admin_away_even_when_the_service_check_was_passed()
    {
        // Arrange: what a stale check on another instance would send straight to the store.
        await using var scope = First.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IUserAdministration>();
        var admins = await LastAdminDemotionRaceTests.ActiveAdminsAsync(First);
        Assert.That(admins, Has.Count.EqualTo(1), "arranged: one admin");
        var lastAdmin = admins[0];

        // Act / Assert
        Assert.ThrowsAsync<LastAdminException>(() => store.LockAsync(lastAdmin, First.Clock.GetUtcNow().AddHours(1), CancellationToken.None));
        Assert.ThrowsAsync<LastAdminException>(() => store.SetRolesAsync(lastAdmin, ["User"], CancellationToken.None));
        Assert.ThrowsAsync<LastAdminException>(() => store.DeleteAsync(lastAdmin, First.Clock.GetUtcNow(), CancellationToken.None));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var stored = await users.FindByIdAsync(lastAdmin);
        Assert.That(stored, Is.Not.Null, "not deleted");
        Assert.That(await users.IsInRoleAsync(stored!, AppRoles.Admin), Is.True, "not demoted");
        Assert.That(await LastAdminDemotionRaceTests.ActiveAdminsAsync(First), Is.EqualTo(new[] { lastAdmin }), "not locked out");
    }
}
