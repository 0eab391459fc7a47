using JwtMvc.Data;
using JwtMvc.Data.Email;
using JwtMvc.Tests.Support;

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Accounts;

/// <summary>The running app forgets the addresses whose one-mail-per-<c>Email:MinSecondsBetweenMails</c> limit has run out.</summary>
public sealed class MailLimitSweepTests : AppFixture
{
    // A day: the clock moves on by minutes until the sweep has run, and the address mailed lately must stay within it.
    protected override JwtMvcFactory CreateFactory() => new(new Dictionary<string, string?> { ["Email:MinSecondsBetweenMails"] = "86400" });

    [Test]
    public async Task Every_few_hours_the_app_forgets_addresses_whose_limit_ran_out_and_keeps_the_rest()
    {
        // Arrange: one address last mailed two days ago, one a minute ago.
        var (ranOut, holding) = ($"RAN-OUT-{Guid.NewGuid():N}@EXAMPLE.TEST", $"HOLDING-{Guid.NewGuid():N}@EXAMPLE.TEST");
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            var now = Factory.Clock.GetUtcNow();
            db.MailThrottles.Add(new MailThrottle { NormalizedAddress = ranOut, LastMailAt = now.AddDays(-2) });
            db.MailThrottles.Add(new MailThrottle { NormalizedAddress = holding, LastMailAt = now.AddMinutes(-1) });
            await db.SaveChangesAsync();
        }

        // Act: the clock moves on a minute at a time until the sweep has run (it waits on the app's clock).
        var swept = await Factory.AdvanceClockUntilAsync(async () => !await IsKnownAsync(ranOut));

        // Assert
        Assert.That(swept, Is.True, "the address mailed two days ago is forgotten");
        Assert.That(await IsKnownAsync(holding), Is.True, "the one mailed within the day is kept");
    }

    private async Task<bool> IsKnownAsync(string address)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AppDbContext>().MailThrottles.AnyAsync(t => t.NormalizedAddress == address);
    }
}
