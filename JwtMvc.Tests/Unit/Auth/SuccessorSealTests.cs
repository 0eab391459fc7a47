using System.Buffers.Text;
using System.Security.Cryptography;
using JwtMvc.Core.Auth;

namespace JwtMvc.Tests.Unit.Auth;

public sealed class SuccessorSealTests
{
    private static readonly Guid SessionId = Guid.NewGuid();
    private readonly string predecessor = NewToken();
    private readonly string successor = NewToken();

    [Test]
    public void A_seal_opens_with_the_predecessor_and_never_holds_the_successor_in_plain_text()
    {
        var seal = SuccessorSeal.Seal(predecessor, successor, SessionId);

        Assert.That(seal, Has.Length.EqualTo(RefreshToken.SealedReplacementLength));
        Assert.That(SuccessorSeal.TryOpen(predecessor, seal, SessionId), Is.EqualTo(successor));
        Assert.That(Convert.ToHexString(seal), Does.Not.Contain(Convert.ToHexString(Base64Url.DecodeFromChars(successor))), "the successor's bytes are not in the seal");
    }

    [Test]
    public void A_seal_does_not_open_with_another_token_another_session_or_a_changed_byte()
    {
        var seal = SuccessorSeal.Seal(predecessor, successor, SessionId);
        var tampered = (byte[])seal.Clone();
        tampered[20] ^= 1;

        Assert.Multiple(() =>
        {
            Assert.That(SuccessorSeal.TryOpen(NewToken(), seal, SessionId), Is.Null, "only the predecessor opens it");
            Assert.That(SuccessorSeal.TryOpen(predecessor, seal, Guid.NewGuid()), Is.Null, "it is bound to its session");
            Assert.That(SuccessorSeal.TryOpen(predecessor, tampered, SessionId), Is.Null, "a changed byte is refused");
            Assert.That(SuccessorSeal.TryOpen(predecessor, seal[..^1], SessionId), Is.Null, "a cut seal is refused");
        });
    }

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
