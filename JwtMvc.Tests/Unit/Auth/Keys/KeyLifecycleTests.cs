using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Keys;

namespace JwtMvc.Tests.Unit.Auth.Keys;

/// <summary>The allocation-free "does a key sign now?" that every request asks, against the signer it stands for.</summary>
public sealed class KeyLifecycleTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly KeyLifecycle lifecycle = new(new JwtOptions());

    [TestCase(-2, false, "ES256", false, TestName = "Announced only: no signer")]
    [TestCase(0, false, "ES256", true, TestName = "Active: a signer")]
    [TestCase(40, false, "ES256", false, TestName = "Retired: no signer")]
    [TestCase(0, true, "ES256", false, TestName = "Revoked: no signer")]
    [TestCase(0, false, "RS256", false, TestName = "Active in another algorithm: no signer")]
    public void HasSignerAt_is_true_exactly_when_SignerAt_finds_one(int daysAfterActivation, bool revoked, string algorithm, bool signs)
    {
        var key = new SigningKeyRecord
        {
            KeyId = "k1",
            Generation = 1,
            Algorithm = algorithm,
            CreatedAt = Start.AddDays(-3),
            ActivatesAt = Start,
            RetiresAt = Start.AddDays(30),
            RemovedAt = Start.AddDays(31),
            RevokedAt = revoked ? Start : null,
            PublicJwk = "{}",
            ProtectedPrivateKey = "",
        };
        var now = Start.AddDays(daysAfterActivation);

        var has = lifecycle.HasSignerAt([key], now);

        Assert.That(has, Is.EqualTo(signs));
        Assert.That(has, Is.EqualTo(lifecycle.SignerAt([key], now) is not null), "the same answer as SignerAt");
    }
}
