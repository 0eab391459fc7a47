using System.Net;
using System.Net.Http.Json;

namespace JwtMvc.Tests.Support;

/// <summary>Calls of /api/admin/users as an admin makes them, for arranging tests.</summary>
public static class AdminApi
{
    private static int s_counter;

    /// <summary>A user name no other test uses.</summary>
    public static string NewUserName(string prefix = "user") => $"{prefix}{Interlocked.Increment(ref s_counter)}x{Guid.NewGuid().ToString("N")[..6]}";

    public static async Task<AdminUserBody> CreateUserAsync(
        this SignedInClient admin,
        string userName,
        string password = "Strong#12345",
        string[]? roles = null,
        string? displayName = null)
    {
        var response = await admin.SendAsync(HttpMethod.Post, "/api/admin/users", new
        {
            userName,
            email = userName + "@example.test",
            password,
            roles = roles ?? ["User"],
            displayName,
        });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), () => "creating " + userName + ": " + response.Content.ReadAsStringAsync().Result);
        return (await response.Content.ReadFromJsonAsync<AdminUserBody>())!;
    }

    public static async Task<AdminUserBody> FindUserAsync(this SignedInClient admin, string userName)
    {
        var page = await admin.Client.SendAsync(admin.Request(HttpMethod.Get, "/api/admin/users?search=" + Uri.EscapeDataString(userName)));
        var body = (await page.Content.ReadFromJsonAsync<AdminUserPageBody>())!;
        return body.Items.Single(u => u.UserName == userName);
    }

    /// <summary>GET /api/admin/security/events with these filters, the first page of 100: newest first.</summary>
    public static async Task<SecurityEventBody[]> SecurityEventsAsync(this SignedInClient admin, string type, string? userId = null)
    {
        var url = $"/api/admin/security/events?type={Uri.EscapeDataString(type)}&pageSize=100" + (userId is null ? "" : "&userId=" + Uri.EscapeDataString(userId));
        var response = await admin.GetAsync(url);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), url);
        return (await response.Content.ReadFromJsonAsync<SecurityEventPageBody>())!.Items;
    }

    /// <summary>The user's active sessions, as GET /api/admin/users/{id}/sessions lists them.</summary>
    public static async Task<AdminSessionBody[]> SessionsOfAsync(this SignedInClient admin, string userId) =>
        (await (await admin.GetAsync($"/api/admin/users/{userId}/sessions")).Content.ReadFromJsonAsync<ItemsBody<AdminSessionBody>>())!.Items;

    public static async Task<AuditEntryBody[]> AuditOfAsync(this SignedInClient admin, string userId)
    {
        var response = await admin.GetAsync($"/api/admin/users/{userId}/audit");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return (await response.Content.ReadFromJsonAsync<ItemsBody<AuditEntryBody>>())!.Items;
    }
}

public sealed record AdminUserBody(
    string Id,
    string UserName,
    string? DisplayName,
    string? Email,
    string[] Roles,
    bool LockedOut,
    DateTimeOffset? LockoutEnd,
    bool EmailConfirmed,
    int ActiveSessions,
    bool TwoFactorEnabled,
    int PasskeyCount = 0);

public sealed record AdminUserPageBody(AdminUserBody[] Items, int TotalCount);

public sealed record ItemsBody<T>(T[] Items);

public sealed record SecurityEventPageBody(SecurityEventBody[] Items, int TotalCount);

public sealed record SecurityEventBody(DateTimeOffset At, string Type, string? UserId, string? UserName, string? IpAddress, string? Detail);

public sealed record AuditEntryBody(DateTimeOffset At, string Actor, string Action, string? Detail);

public sealed record AdminSessionBody(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, DateTimeOffset ExpiresAt, string? IpAddress, string? UserAgent);

public sealed record MeBody(string Id, string UserName, string? DisplayName, string? Email, string[] Roles);

public sealed record ProblemBody(int? Status, string? Title, string? Detail, Dictionary<string, string[]>? Errors);
