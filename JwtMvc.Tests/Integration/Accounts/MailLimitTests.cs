using System.Net;
using JwtMvc.Tests.Support;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class MailLimitTests : EmailFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Email:MinSecondsBetweenMails"] = "60",
    };

    [Test]
    public async Task An_address_gets_at_most_one_mail_per_MinSecondsBetweenMails()
    {
        var account = await RegisterAsync();
        await Smtp.WaitForMessageAsync(account.Email, "Confirm your email address");

        Factory.Clock.Advance(TimeSpan.FromSeconds(61));
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add((await PostAsync("/api/account/forgot-password", new { email = account.Email })).StatusCode);
        }

        await WaitForOutboxDrainedAsync();
        var withinTheMinute = Smtp.To(account.Email).Count;
        Factory.Clock.Advance(TimeSpan.FromSeconds(61));
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        await WaitForOutboxDrainedAsync();

        Assert.That(answers, Is.All.EqualTo(HttpStatusCode.Accepted), "the answer does not say that mails were dropped");
        Assert.That(withinTheMinute, Is.EqualTo(2), "the confirmation mail, then one reset mail for five requests in a minute");
        Assert.That(Smtp.To(account.Email), Has.Count.EqualTo(3), "a minute later the address gets a mail again");
    }

    [Test]
    public async Task The_limit_counts_per_address_not_per_request_kind()
    {
        var account = await RegisterAsync();
        await Smtp.WaitForMessageAsync(account.Email, "Confirm your email address");

        await PostAsync("/api/account/resend-confirmation", new { email = account.Email });
        await PostAsync("/api/account/forgot-password", new { email = account.Email });
        await WaitForOutboxDrainedAsync();

        Assert.That(Smtp.To(account.Email), Has.Count.EqualTo(1), "within the minute after the confirmation mail nothing else goes out");
    }
}

public sealed class EmailDisabledTests : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Email:Enabled"] = "false" });

    [TestCase("/api/account/forgot-password")]
    [TestCase("/api/account/resend-confirmation")]
    public async Task With_email_off_the_email_endpoints_are_404(string path)
    {
        var response = await Factory.CreateClient().PostAsync(path, System.Net.Http.Json.JsonContent.Create(new { email = "alice@jwtmvc.local" }));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
