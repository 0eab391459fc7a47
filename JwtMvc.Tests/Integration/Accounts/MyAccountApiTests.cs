using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class MyAccountApiTests : AppFixture
{
    [Test]
    public async Task The_display_name_is_editable_and_the_answer_has_the_api_me_shape()
    {
        var userName = await CreateUserAsync();
        var client = await Factory.LoginAsync(userName, Password);

        var response = await client.SendAsync(HttpMethod.Put, "/api/account/profile", new { displayName = "  Carol C.  " });
        var body = await response.Content.ReadFromJsonAsync<MeBody>();
        var me = await (await client.GetAsync("/api/me")).Content.ReadFromJsonAsync<MeBody>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(body!.DisplayName, Is.EqualTo("Carol C."));
        Assert.That(body.UserName, Is.EqualTo(userName));
        Assert.That(me!.DisplayName, Is.EqualTo("Carol C."), "/api/me shows the new name at once");
    }

    [Test]
    public async Task A_display_name_over_100_characters_is_400_under_displayName()
    {
        var client = await Factory.LoginAsync(await CreateUserAsync(), Password);

        var response = await client.SendAsync(HttpMethod.Put, "/api/account/profile", new { displayName = new string('x', 101) });
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!.Errors, Does.ContainKey("displayName"));
    }

    [Test]
    public async Task My_sessions_list_marks_the_current_one_and_names_the_device()
    {
        var userName = await CreateUserAsync();
        await Factory.LoginAsync(userName, Password);
        var client = await Factory.LoginAsync(userName, Password);

        var response = await client.Client.SendAsync(WithAgent(client.Request(HttpMethod.Get, "/api/account/sessions")));
        var body = await response.Content.ReadFromJsonAsync<ItemsBody<AccountSessionBody>>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(body!.Items, Has.Length.EqualTo(2));
        Assert.That(body.Items.Count(s => s.Current), Is.EqualTo(1), "exactly the caller's session is 'this device'");
        Assert.That(body.Items.All(s => s.Device.Length > 0 && s.CreatedAt <= s.LastUsedAt && s.LastUsedAt < s.ExpiresAt), Is.True);
    }

    [Test]
    public async Task Signing_out_one_session_ends_it_at_its_next_call_and_leaves_the_caller_signed_in()
    {
        var userName = await CreateUserAsync();
        var other = await Factory.LoginAsync(userName, Password);
        var client = await Factory.LoginAsync(userName, Password);
        var otherId = (await SessionsAsync(client)).Single(s => !s.Current).Id;

        var response = await client.SendAsync(HttpMethod.Delete, $"/api/account/sessions/{otherId}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await other.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the signed-out session's access token is refused at once");
        Assert.That((await other.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and it cannot refresh");
        Assert.That((await client.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await SessionsAsync(client), Has.Length.EqualTo(1));
    }

    [Test]
    public async Task Another_users_session_id_is_404_and_stays_active()
    {
        var mallory = await Factory.LoginAsync(await CreateUserAsync(), Password);
        var victim = await Factory.LoginAsync(await CreateUserAsync(), Password);
        var victimSession = (await SessionsAsync(victim)).Single().Id;

        var response = await mallory.SendAsync(HttpMethod.Delete, $"/api/account/sessions/{victimSession}");
        var unknown = await mallory.SendAsync(HttpMethod.Delete, $"/api/account/sessions/{Guid.NewGuid()}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another user's session answers like one that does not exist");
        Assert.That((await victim.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Sign_out_everywhere_else_keeps_only_the_callers_session()
    {
        var userName = await CreateUserAsync();
        var first = await Factory.LoginAsync(userName, Password);
        var second = await Factory.LoginAsync(userName, Password);
        var client = await Factory.LoginAsync(userName, Password);

        var response = await client.SendAsync(HttpMethod.Post, "/api/account/sessions/revoke-others");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await first.GetAsync("/api/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await second.RefreshAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await SessionsAsync(client)).Single().Current, Is.True);
    }

    [TestCase("GET", "/api/account/sessions")]
    [TestCase("POST", "/api/account/sessions/revoke-others")]
    [TestCase("PUT", "/api/account/profile")]
    public async Task Signed_out_callers_are_401(string method, string path)
    {
        var response = await Factory.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private const string Password = "Strong#12345";

    private async Task<string> CreateUserAsync()
    {
        var admin = await Factory.LoginAsync("admin");
        var userName = AdminApi.NewUserName("acct");
        await admin.CreateUserAsync(userName, Password);
        return userName;
    }

    private static HttpRequestMessage WithAgent(HttpRequestMessage request)
    {
        request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0");
        return request;
    }

    private static async Task<AccountSessionBody[]> SessionsAsync(SignedInClient client) =>
        (await (await client.GetAsync("/api/account/sessions")).Content.ReadFromJsonAsync<ItemsBody<AccountSessionBody>>())!.Items;
}

public sealed record AccountSessionBody(
    Guid Id,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt,
    DateTimeOffset ExpiresAt,
    string? IpAddress,
    string? UserAgent,
    string Device,
    bool Current);
