using JwtMvc.Core.Email;
using JwtMvc.Tests.Support;

using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

[TestFixture]
public sealed class MailOutboxTests : SharedDatabaseFixture
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Test]
    public async Task Forgetting_addresses_mailed_before_a_time_keeps_the_limit_of_those_mailed_since()
    {
        // Arrange: one mail a minute per address; one address mailed 70 s ago, one 20 s ago.
        await using var scope = Data.NewScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMailOutbox>();
        var now = Data.Time.GetUtcNow();
        var (early, late) = ($"EARLY-{Guid.NewGuid():N}@EXAMPLE.TEST", $"LATE-{Guid.NewGuid():N}@EXAMPLE.TEST");
        Assert.That(await outbox.TryAdmitAsync(early, now.AddSeconds(-70), Minute, CancellationToken.None), Is.True);
        Assert.That(await outbox.TryAdmitAsync(late, now.AddSeconds(-20), Minute, CancellationToken.None), Is.True);

        // Act
        var forgotten = await outbox.ForgetMailedBeforeAsync(now - Minute, CancellationToken.None);

        // Assert: the early address is forgotten and may be mailed; the late one is still held back.
        Assert.That(forgotten, Is.EqualTo(1));
        Assert.That(await outbox.TryAdmitAsync(late, now, Minute, CancellationToken.None), Is.False, "the late address keeps its limit");
        Assert.That(await outbox.TryAdmitAsync(early, now, Minute, CancellationToken.None), Is.True);
        Assert.That(await outbox.TryAdmitAsync(early, now.AddSeconds(1), Minute, CancellationToken.None), Is.False, "mailing it again starts its limit again");
    }

    [Test]
    public async Task A_claim_whose_lease_ran_out_can_neither_complete_nor_reschedule_the_job_claimed_again()
    {
        // Arrange: instance A claims a job and is slow; its lease runs out and instance B claims the job again.
        await using var scope = Data.NewScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IMailOutbox>();
        var now = Data.Time.GetUtcNow().AddDays(-30); // before every other job in this shared database
        var lease = TimeSpan.FromMinutes(2);
        await outbox.EnqueueAsync(new MailJob { Id = Guid.NewGuid(), Kind = MailKinds.PasswordReset, Address = "slow@example.test", CreatedAt = now, NextAttemptAt = now }, CancellationToken.None);
        var claimedByA = await outbox.ClaimNextAsync(now, now + lease, CancellationToken.None);
        var later = now + lease + Minute;
        var claimedByB = await outbox.ClaimNextAsync(later, later + lease, CancellationToken.None);
        Assert.That(claimedByB?.Id, Is.EqualTo(claimedByA?.Id), "a job whose lease ran out is claimed again");

        // Act: A finishes late.
        await outbox.RetryAsync(claimedByA!, later, "late", CancellationToken.None);
        await outbox.CompleteAsync(claimedByA!, CancellationToken.None);

        // Assert: B's claim stands (the job is neither due again now nor gone); B can finish it.
        Assert.That(await outbox.ClaimNextAsync(later, later + lease, CancellationToken.None), Is.Null, "A's retry did not make the job due under B's lease");
        var afterB = later + lease + Minute;
        Assert.That((await outbox.ClaimNextAsync(afterB, afterB + lease, CancellationToken.None))?.Id, Is.EqualTo(claimedByA!.Id), "A's completion did not delete it");
    }
}
