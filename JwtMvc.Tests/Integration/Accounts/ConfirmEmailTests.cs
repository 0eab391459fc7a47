using System.Net;
using System.Net.Http.Json;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class ConfirmEmailTests : EmailFixture
{
    private const string ConfirmSubject = "Confirm your email address";

    [Test]
    public async Task Registration_mails_a_confirmation_link_that_confirms_the_email()
    {
        var account = await RegisterAsync();

        var link = await WaitForLinkAsync(account.Email, ConfirmSubject);
        var before = await EmailConfirmedAsync(account.UserName);
        var confirm = await PostAsync("/api/account/confirm-email", new { userId = link.UserId, code = link.Code });

        Assert.That(link.Path, Is.EqualTo("/account/confirm-email"));
        Assert.That(before, Is.False);
        Assert.That(confirm.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await EmailConfirmedAsync(account.UserName), Is.True);
    }

    [Test]
    public async Task By_default_a_new_account_signs_in_before_confirming()
    {
        var account = await RegisterAsync();

        var login = await Factory.CreateClient().PostAsJsonAsync("/api/auth/login", new { userName = account.UserName, password = account.Password });

        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Accounts:RequireConfirmedEmail is false by default");
    }

    [Test]
    public async Task A_bad_confirmation_code_is_400_under_code_and_confirms_nothing()
    {
        var account = await RegisterAsync();
        var link = await WaitForLinkAsync(account.Email, ConfirmSubject);

        var response = await PostAsync("/api/account/confirm-email", new { userId = link.UserId, code = "AAAA" + link.Code[4..] });
        var problem = await response.Content.ReadFromJsonAsync<ProblemBody>();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(problem!.Errors, Does.ContainKey("code"));
        Assert.That(await EmailConfirmedAsync(account.UserName), Is.False);
    }

    [Test]
    public async Task Resend_confirmation_mails_a_new_link_to_an_unconfirmed_address()
    {
        var account = await RegisterAsync();
        await Smtp.WaitForMessageAsync(account.Email, ConfirmSubject);

        var resend = await PostAsync("/api/account/resend-confirmation", new { email = account.Email.ToUpperInvariant() });
        await WaitForOutboxDrainedAsync();
        var mails = Smtp.To(account.Email);
        var confirm = await PostAsync("/api/account/confirm-email", new { userId = MailLink.From(mails[^1]).UserId, code = MailLink.From(mails[^1]).Code });

        Assert.That(resend.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(mails, Has.Count.EqualTo(2), "the registration mail and the resent one");
        Assert.That(confirm.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "the resent link confirms");
    }

    [Test]
    public async Task Resend_confirmation_sends_nothing_to_a_confirmed_or_unknown_address()
    {
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";

        var confirmed = await PostAsync("/api/account/resend-confirmation", new { email = "alice@jwtmvc.local" });
        var nobody = await PostAsync("/api/account/resend-confirmation", new { email = unknown });
        await WaitForOutboxDrainedAsync();

        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(nobody.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(Smtp.To("alice@jwtmvc.local").Where(m => (m.Subject ?? "").Contains(ConfirmSubject, StringComparison.Ordinal)), Is.Empty, "alice's email is confirmed already");
        Assert.That(Smtp.To(unknown), Is.Empty);
    }

    [Test]
    public async Task Every_mail_has_a_text_part_with_the_full_link_on_a_line_of_its_own()
    {
        var account = await RegisterAsync();

        var message = await Smtp.WaitForMessageAsync(account.Email, ConfirmSubject);

        Assert.That(message.TextBody, Is.Not.Null);
        var link = MailLink.From(message);
        Assert.That(link.Url, Does.Match(@"^https://jwtmvc\.example\.test/account/confirm-email\?userId=[^&]+&code=[A-Za-z0-9_-]+$"),
            "the code is base64url, so the link needs no further escaping");
        Assert.That(message.From.Mailboxes.Single().Address, Is.EqualTo("no-reply@jwtmvc.test"));
    }

    private async Task<bool> EmailConfirmedAsync(string userName)
    {
        var admin = await Factory.LoginAsync("admin");
        return (await admin.FindUserAsync(userName)).EmailConfirmed;
    }
}
