using System.Net;
using JwtMvc.Core.Email;
using JwtMvc.Data;
using JwtMvc.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Accounts;

public sealed class MailDeliveryRetryTests : EmailFixture
{
    [Test]
    public async Task A_mail_server_that_is_down_delays_the_mail_without_failing_the_request_and_the_mail_arrives_once_it_is_back()
    {
        var account = await RegisterAsync();
        await Smtp.WaitForMessageAsync(account.Email, "Confirm your email address");
        await Smtp.StopAsync();

        var response = await PostAsync("/api/account/forgot-password", new { email = account.Email });
        var failed = await WaitForFailedAttemptAsync();
        Smtp.Resume();
        Factory.Clock.Advance(MailDelivery.RetryDelay(1) + MailDeliveryServiceInterval);
        var message = await Smtp.WaitForMessageAsync(account.Email, "Reset your JwtMvc password");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the request does not wait for the mail server");
        Assert.That(failed.LastError, Is.Not.Null.And.Not.Empty, "the failure is recorded (and logged)");
        Assert.That(MailLink.From(message).Path, Is.EqualTo("/account/reset-password"));
    }

    private static TimeSpan MailDeliveryServiceInterval => TimeSpan.FromSeconds(5);

    private async Task<MailJob> WaitForFailedAttemptAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var scope = Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                if (await db.MailJobs.AsNoTracking().FirstOrDefaultAsync(j => j.LastError != null, deadline.Token) is { } job)
                {
                    return job;
                }
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
