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

    [Test]
    public async Task An_email_change_still_waiting_for_the_mail_server_is_void_once_the_password_changes()
    {
        // Arrange: the mail server is down when the email change is asked for (a stolen session and password, say).
        var account = await RegisterAsync();
        await Smtp.WaitForMessageAsync(account.Email, "Confirm your email address");
        var client = await Factory.LoginAsync(account.UserName, account.Password);
        var newEmail = $"taken-over-{Guid.NewGuid():N}@example.test";
        await Smtp.StopAsync();
        var asked = await client.SendAsync(HttpMethod.Post, "/api/account/email", new { newEmail, password = account.Password });
        await WaitForFailedAttemptAsync(newEmail);

        // Act: the owner changes the password; then the mail server is back and the job is due again.
        var owner = await Factory.LoginAsync(account.UserName, account.Password);
        var changed = await owner.SendAsync(HttpMethod.Post, "/api/account/password", new { currentPassword = account.Password, newPassword = "Changed#12345" });
        Smtp.Resume();
        Factory.Clock.Advance(MailDelivery.RetryDelay(1) + MailDeliveryServiceInterval);
        await WaitUntilNoJobForAsync(newEmail);

        // Assert
        Assert.That(asked.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(Smtp.To(newEmail), Is.Empty, "no link to the new address after the password changed");
    }

    private static TimeSpan MailDeliveryServiceInterval => TimeSpan.FromSeconds(5);

    private async Task WaitUntilNoJobForAsync(string address)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var scope = Factory.Services.CreateAsyncScope())
            {
                if (!await scope.ServiceProvider.GetRequiredService<AppDbContext>().MailJobs.AnyAsync(j => j.Address == address, deadline.Token))
                {
                    return;
                }
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    private async Task<MailJob> WaitForFailedAttemptAsync(string? address = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            await using (var scope = Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
                if (await db.MailJobs.AsNoTracking().FirstOrDefaultAsync(j => j.LastError != null && (address == null || j.Address == address), deadline.Token) is { } job)
                {
                    return job;
                }
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
