using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class EmailChangeTests : EmailFixture
{
    private const string ChangeSubject = "Confirm your new email address";

    [Test]
    public async Task The_email_changes_when_the_link_mailed_to_the_new_address_is_used_and_not_before()
    {
        var account = await RegisterAsync();
        var client = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"new-{Guid.NewGuid():N}@example.test";

        var asked = await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        var link = await WaitForLinkAsync(newEmail, ChangeSubject);
        var before = await MeAsync(client);
        var confirm = await PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = link.Email, code = link.Code });
        var after = await MeAsync(client);

        Assert.That(asked.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(link.Path, Is.EqualTo("/account/confirm-email-change"));
        Assert.That(link.Email, Is.EqualTo(newEmail));
        Assert.That(before.Email, Is.EqualTo(account.Email), "the email must not change before the new address is confirmed");
        Assert.That(confirm.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await confirm.Content.ReadAsStringAsync());
        Assert.That(after.Email, Is.EqualTo(newEmail));
        Assert.That((await Factory.LoginAsync(newEmail, account.Password)).AccessToken, Is.Not.Empty, "the new address signs in");
    }

    [Test]
    public async Task Two_accounts_confirming_a_change_to_one_address_at_once_get_one_change_and_one_400_never_a_500()
    {
        for (var round = 0; round < 3; round++)
        {
            // Arrange: two accounts each hold a link for the same new address.
            var newEmail = $"contested-{Guid.NewGuid():N}@example.test";
            var links = new List<MailLink>();
            foreach (var account in new[] { await RegisterAsync(), await RegisterAsync() })
            {
                var client = await Factory.LoginAsync(account.UserName, account.Password);
                await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                while (Smtp.To(newEmail).Count == links.Count)
                {
                    await Task.Delay(20, deadline.Token);
                }

                links.Add(MailLink.From(Smtp.To(newEmail)[^1]));
            }

            // Act: both links used at the same moment.
            var answers = await Integration.Admin.LastAdminDemotionRaceTests.AtTheSameMomentAsync(
                [.. links.Select(link => (Func<Task<HttpResponseMessage>>)(() => PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = link.Email, code = link.Code })))]);

            // Assert
            Assert.That(answers.Order(), Is.EqualTo(new[] { HttpStatusCode.NoContent, HttpStatusCode.BadRequest }), $"round {round}: one change, one refusal");
        }
    }

    [Test]
    public async Task A_confirmed_email_change_is_recorded_with_the_old_and_new_address()
    {
        var account = await RegisterAsync();
        var client = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"new-{Guid.NewGuid():N}@example.test";
        await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        var link = await WaitForLinkAsync(newEmail, ChangeSubject);

        await PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = link.Email, code = link.Code });

        var admin = await Factory.LoginAsync("admin");
        var events = await admin.SecurityEventsAsync(JwtMvc.Core.Security.SecurityEventTypes.EmailChanged, link.UserId);
        Assert.That(events.Select(e => e.Detail), Is.EqualTo(new[] { $"confirmed by the link sent to the new address: {account.Email} -> {newEmail}" }));
    }

    [Test]
    public async Task A_bad_code_leaves_the_old_email_working()
    {
        var account = await RegisterAsync();
        var client = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"new-{Guid.NewGuid():N}@example.test";
        await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        var link = await WaitForLinkAsync(newEmail, ChangeSubject);

        var bad = await PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = newEmail, code = link.Code[..^3] + "xyz" });
        var otherAddress = await PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = "elsewhere@example.test", code = link.Code });
        var problem = await bad.Content.ReadFromJsonAsync<ProblemBody>();

        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!.Errors, Does.ContainKey("code"));
        Assert.That(otherAddress.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the code is for the address it was mailed to only");
        Assert.That((await MeAsync(client)).Email, Is.EqualTo(account.Email));
        Assert.That((await Factory.LoginAsync(account.Email, account.Password)).AccessToken, Is.Not.Empty, "the old address still signs in");
    }

    [Test]
    public async Task A_change_link_works_once()
    {
        var account = await RegisterAsync();
        var client = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"new-{Guid.NewGuid():N}@example.test";
        await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        var link = await WaitForLinkAsync(newEmail, ChangeSubject);

        var first = await PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = newEmail, code = link.Code });
        var second = await PostAsync("/api/account/confirm-email-change", new { userId = link.UserId, email = newEmail, code = link.Code });

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_wrong_password_is_400_under_password_sends_nothing_and_counts_toward_lockout()
    {
        var account = await RegisterAsync();
        var client = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"new-{Guid.NewGuid():N}@example.test";

        var wrong = await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = "Wrong#00000" });
        var problem = await wrong.Content.ReadFromJsonAsync<ProblemBody>();
        for (var i = 0; i < 4; i++)
        {
            await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = "Wrong#00000" });
        }

        var locked = await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        await WaitForOutboxDrainedAsync();

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!.Errors, Does.ContainKey("password"));
        Assert.That(locked.StatusCode, Is.EqualTo((HttpStatusCode)423), "five wrong passwords lock the account like failed sign-ins");
        Assert.That(Smtp.To(newEmail), Is.Empty);
    }

    [Test]
    public async Task Malformed_requests_are_400_per_field_and_signed_out_callers_are_401()
    {
        var client = await Factory.LoginAsync("bob");

        var malformed = await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail = "nope" });
        var anonymous = await PostAsync("/api/account/email", new { newEmail = "x@example.test", password = "Bob#12345" });
        var problem = await malformed.Content.ReadFromJsonAsync<ProblemBody>();

        Assert.That(malformed.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!.Errors!.Keys, Is.SupersetOf(new[] { "newEmail", "password" }));
        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    private static async Task<MeBody> MeAsync(SignedInClient client) =>
        (await (await client.GetAsync("/api/me")).Content.ReadFromJsonAsync<MeBody>())!;
}
