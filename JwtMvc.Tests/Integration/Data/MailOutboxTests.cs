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
}
