using JwtMvc.Core.Accounts;
using JwtMvc.Core.Email;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace JwtMvc.Tests.Unit.Accounts;

public sealed class MailDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly AccountUser user = new("u1", "carol", "carol@example.test", null, EmailConfirmed: false);
    private FakeTimeProvider clock = null!;
    private Mock<IMailOutbox> outbox = null!;
    private Mock<IUserAccounts> accounts = null!;
    private Mock<IEmailSender> sender = null!;

    // NUnit runs every test on one instance of the class: fresh mocks each time.
    [SetUp]
    public void Arrange()
    {
        clock = new FakeTimeProvider(Now);
        outbox = new Mock<IMailOutbox>();
        accounts = new Mock<IUserAccounts>();
        sender = new Mock<IEmailSender>();
        accounts.Setup(a => a.FindByEmailAsync("carol@example.test", It.IsAny<CancellationToken>())).ReturnsAsync(user);
        accounts.Setup(a => a.FindByIdAsync("u1", It.IsAny<CancellationToken>())).ReturnsAsync(user);
        accounts.Setup(a => a.CreatePasswordResetCodeAsync("u1", It.IsAny<CancellationToken>())).ReturnsAsync("CODE");
        accounts.Setup(a => a.NormalizeEmail(It.IsAny<string>())).Returns<string>(e => e.ToUpperInvariant());
        outbox.Setup(o => o.TryAdmitAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
    }

    [Test]
    public async Task A_due_reset_job_is_sent_with_a_link_from_the_public_base_url_and_then_removed()
    {
        var job = Claim(Job(MailKinds.PasswordReset, "carol@example.test"));
        EmailMessage? sent = null;
        sender.Setup(s => s.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>())).Callback<EmailMessage, CancellationToken>((m, _) => sent = m);

        await Delivery().DeliverDueAsync(CancellationToken.None);

        Assert.That(sent!.To, Is.EqualTo("carol@example.test"));
        Assert.That(sent.TextBody, Does.Contain("\nhttps://app.example.test/account/reset-password?userId=u1&code=CODE\n"));
        outbox.Verify(o => o.CompleteAsync(job, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Each_job_is_claimed_just_before_it_is_sent_so_a_slow_send_does_not_use_up_the_next_ones_lease()
    {
        // Arrange: two due jobs, and a mail server that takes 90 s per mail (the lease is 2 minutes).
        var waiting = new Queue<MailJob>([Job(MailKinds.PasswordReset, "carol@example.test"), Job(MailKinds.PasswordReset, "carol@example.test")]);
        var leases = new List<(DateTimeOffset At, DateTimeOffset Until)>();
        outbox.Setup(o => o.ClaimNextAsync(It.IsAny<DateTimeOffset>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>()))
            .Callback<DateTimeOffset, DateTimeOffset, CancellationToken>((now, until, _) => leases.Add((now, until)))
            .ReturnsAsync(() => waiting.TryDequeue(out var next) ? next : null);
        sender.Setup(s => s.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>())).Callback(() => clock.Advance(TimeSpan.FromSeconds(90)));

        // Act
        var claimed = await Delivery().DeliverDueAsync(CancellationToken.None);

        // Assert: the second job's lease starts when its own delivery does.
        Assert.That(claimed, Is.EqualTo(2));
        Assert.That(leases.Take(2), Is.EqualTo(new[]
        {
            (Now, Now + MailDelivery.Lease),
            (Now.AddSeconds(90), Now.AddSeconds(90) + MailDelivery.Lease),
        }));
        sender.Verify(s => s.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Test]
    public async Task A_failed_send_is_kept_for_a_retry_after_the_back_off_and_not_removed()
    {
        var job = Claim(Job(MailKinds.PasswordReset, "carol@example.test"));
        sender.Setup(s => s.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("connection refused"));

        await Delivery().DeliverDueAsync(CancellationToken.None);

        outbox.Verify(o => o.RetryAsync(job, Now + TimeSpan.FromSeconds(30), It.Is<string>(e => e.Contains("connection refused")), It.IsAny<CancellationToken>()), Times.Once);
        outbox.Verify(o => o.CompleteAsync(It.IsAny<MailJob>(), It.IsAny<CancellationToken>()), Times.Never);
        outbox.Verify(o => o.MarkAdmittedAsync(job, It.IsAny<CancellationToken>()), Times.Once, "a retry must not count against the address's limit again");
    }

    [Test]
    public async Task After_the_last_attempt_the_mail_is_given_up()
    {
        var job = Job(MailKinds.PasswordReset, "carol@example.test");
        job.Attempts = MailDelivery.MaxAttempts - 1;
        job.Admitted = true;
        Claim(job);
        sender.Setup(s => s.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("still down"));

        await Delivery().DeliverDueAsync(CancellationToken.None);

        outbox.Verify(o => o.CompleteAsync(job, It.IsAny<CancellationToken>()), Times.Once);
        outbox.Verify(o => o.RetryAsync(It.IsAny<MailJob>(), It.IsAny<DateTimeOffset>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public async Task An_address_over_its_limit_gets_nothing_and_the_job_is_dropped()
    {
        var job = Claim(Job(MailKinds.PasswordReset, "carol@example.test"));
        outbox.Setup(o => o.TryAdmitAsync("CAROL@EXAMPLE.TEST", Now, TimeSpan.FromSeconds(60), It.IsAny<CancellationToken>())).ReturnsAsync(false);

        await Delivery().DeliverDueAsync(CancellationToken.None);

        sender.VerifyNoOtherCalls();
        outbox.Verify(o => o.CompleteAsync(job, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_retried_job_that_was_admitted_before_is_not_limited_again()
    {
        var job = Job(MailKinds.PasswordReset, "carol@example.test");
        job.Admitted = true;
        Claim(job);

        await Delivery().DeliverDueAsync(CancellationToken.None);

        outbox.Verify(o => o.TryAdmitAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Never);
        sender.Verify(s => s.SendAsync(It.IsAny<EmailMessage>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task An_address_nobody_owns_gets_nothing_and_uses_no_slot_of_the_limit()
    {
        var job = Claim(Job(MailKinds.PasswordReset, "nobody@example.test"));

        await Delivery().DeliverDueAsync(CancellationToken.None);

        sender.VerifyNoOtherCalls();
        outbox.Verify(o => o.TryAdmitAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<TimeSpan>(), It.IsAny<CancellationToken>()), Times.Never);
        outbox.Verify(o => o.CompleteAsync(job, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task A_confirmation_for_a_confirmed_email_is_not_sent()
    {
        accounts.Setup(a => a.FindByEmailAsync("carol@example.test", It.IsAny<CancellationToken>())).ReturnsAsync(user with { EmailConfirmed = true });
        Claim(Job(MailKinds.ConfirmEmail, "carol@example.test"));

        await Delivery().DeliverDueAsync(CancellationToken.None);

        sender.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Forgetting_past_limits_forgets_the_addresses_last_mailed_more_than_the_interval_ago()
    {
        outbox.Setup(o => o.ForgetMailedBeforeAsync(It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(3);

        var forgotten = await Delivery().ForgetPastLimitsAsync(CancellationToken.None);

        Assert.That(forgotten, Is.EqualTo(3));
        outbox.Verify(o => o.ForgetMailedBeforeAsync(Now - TimeSpan.FromSeconds(60), It.IsAny<CancellationToken>()), Times.Once);
    }

    [TestCase(1, 30)]
    [TestCase(2, 60)]
    [TestCase(3, 120)]
    [TestCase(8, 3600)]
    [TestCase(29, 3600)]
    public void The_back_off_doubles_up_to_an_hour(int attempts, int seconds) =>
        Assert.That(MailDelivery.RetryDelay(attempts), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    private MailDelivery Delivery()
    {
        var baseUrl = Mock.Of<IPublicBaseUrl>(b => b.Value == "https://app.example.test");
        var options = Options.Create(new EmailOptions { MinSecondsBetweenMails = 60 });
        return new MailDelivery(outbox.Object, new AccountMailComposer(accounts.Object, new AccountLinks(baseUrl)), accounts.Object, sender.Object,
            options, clock, NullLogger<MailDelivery>.Instance);
    }

    private static MailJob Job(string kind, string address) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Address = address,
        CreatedAt = Now,
        NextAttemptAt = Now,
    };

    /// <summary>The outbox hands out <paramref name="job"/>, claimed now, and then nothing more.</summary>
    private MailJob Claim(MailJob job)
    {
        job.Attempts++;
        outbox.SetupSequence(o => o.ClaimNextAsync(Now, Now + MailDelivery.Lease, It.IsAny<CancellationToken>())).ReturnsAsync(job).ReturnsAsync((MailJob?)null);
        return job;
    }
}
