using System.Text;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace JwtMvc.Tests.Unit.Auth.TwoFactor;

/// <summary>RFC 6238 codes: the RFC's own vectors, the drift window at step boundaries, and single use.</summary>
public sealed class TotpTests
{
    // RFC 6238 Appendix B: the SHA-1 secret is the ASCII string "12345678901234567890"; codes are the last six of eight digits.
    private static readonly byte[] RfcKey = Encoding.ASCII.GetBytes("12345678901234567890");

    [TestCase(59L, "287082")]
    [TestCase(1111111109L, "081804")]
    [TestCase(1234567890L, "005924")]
    [TestCase(20000000000L, "353130")]
    public void Codes_match_the_RFC_6238_test_vectors(long unixSeconds, string expected) =>
        Assert.That(Totp.Compute(RfcKey, unixSeconds / 30), Is.EqualTo(expected));

    [Test]
    public void Base32_round_trips_and_ignores_case_and_spaces()
    {
        var key = Base32.Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        Assert.That(key, Is.EqualTo(RfcKey));
        Assert.That(Base32.Encode(RfcKey), Is.EqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        Assert.That(Base32.Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), Is.EqualTo(RfcKey));
        Assert.That(Base32.Decode("GEZ1"), Is.Null, "1 is not base32");
    }

    [TestCase(-1, true)]
    [TestCase(0, true)]
    [TestCase(1, true)]
    [TestCase(-2, false)]
    [TestCase(2, false)]
    public void One_step_of_drift_either_side_is_accepted_two_are_not(int stepsAway, bool accepted)
    {
        // The last second of a step and the first of the next: the window moves with the step, not with the second.
        foreach (var offset in new[] { 0, 29 })
        {
            var now = DateTimeOffset.FromUnixTimeSeconds((1_000_000 * 30L) + offset);
            var code = Totp.Compute(RfcKey, Totp.TimeStep(now) + stepsAway);
            Assert.That(Totp.Match(RfcKey, code, now) is not null, Is.EqualTo(accepted), $"{stepsAway} steps away at second {offset} of the step");
        }
    }

    [TestCase("12345")]
    [TestCase("1234567")]
    [TestCase("12345a")]
    [TestCase("١٢٣٤٥٦")] // Arabic-Indic digits are digits, but not ASCII ones
    [TestCase("")]
    public void Malformed_codes_never_match(string code) =>
        Assert.That(Totp.Match(RfcKey, code, DateTimeOffset.FromUnixTimeSeconds(59)), Is.Null);

    [Test]
    public void Recovery_codes_are_ten_distinct_and_hash_the_same_however_typed()
    {
        var codes = RecoveryCodes.Generate();
        Assert.That(codes, Has.Count.EqualTo(10).And.Unique);
        Assert.That(codes, Has.All.Match("^[a-z2-7]{5}-[a-z2-7]{5}$"));
        var code = codes[0];
        Assert.That(RecoveryCodes.Hash(code.ToUpperInvariant().Replace("-", " ", StringComparison.Ordinal)), Is.EqualTo(RecoveryCodes.Hash(code)));
        Assert.That(RecoveryCodes.Hash("not-a-code!"), Is.Null);
    }
}

/// <summary>The service around the codes: time from the clock, the last accepted step from the store.</summary>
public sealed class TwoFactorServiceTests
{
    private const string UserId = "alice-id";
    private static readonly string Key = Base32.Encode(Encoding.ASCII.GetBytes("12345678901234567890"));

    private FakeTimeProvider clock = null!;
    private Mock<ITwoFactorStore> store = null!;
    private long? lastAccepted;
    private TwoFactorService service = null!;

    [SetUp]
    public void SetUp()
    {
        // One second before a step boundary: the drift window must follow the clock across it.
        clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((2_000_000 * 30L) + 29));
        lastAccepted = null;
        store = new Mock<ITwoFactorStore>();
        store.Setup(s => s.TryAcceptTimeStepAsync(UserId, It.IsAny<long>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string _, long step, CancellationToken _) =>
            {
                if (lastAccepted >= step)
                {
                    return false;
                }

                lastAccepted = step;
                return true;
            });
        var builder = new TokenServiceBuilder();
        service = new TwoFactorService(store.Object, builder.BuildSessions(), builder.Events.Object, clock);
    }

    [Test]
    public async Task A_code_accepted_once_is_refused_when_presented_again_inside_its_window()
    {
        var code = Totp.Compute(Base32.Decode(Key)!, Totp.TimeStep(clock.GetUtcNow()));

        Assert.That(await service.VerifyTotpAsync(UserId, Key, code, CancellationToken.None), Is.True);
        clock.Advance(TimeSpan.FromSeconds(1)); // next step: the code is still inside its one-step window
        Assert.That(await service.VerifyTotpAsync(UserId, Key, code, CancellationToken.None), Is.False);
    }

    [Test]
    public async Task After_a_code_an_earlier_steps_code_is_refused_and_a_later_one_accepted()
    {
        var key = Base32.Decode(Key)!;
        var now = Totp.TimeStep(clock.GetUtcNow());

        Assert.That(await service.VerifyTotpAsync(UserId, Key, Totp.Compute(key, now), CancellationToken.None), Is.True);
        Assert.That(await service.VerifyTotpAsync(UserId, Key, Totp.Compute(key, now - 1), CancellationToken.None), Is.False);
        Assert.That(await service.VerifyTotpAsync(UserId, Key, Totp.Compute(key, now + 1), CancellationToken.None), Is.True);
    }

    [Test]
    public async Task The_clock_decides_a_code_two_steps_old_is_refused()
    {
        var code = Totp.Compute(Base32.Decode(Key)!, Totp.TimeStep(clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(60)); // two steps later

        Assert.That(await service.VerifyTotpAsync(UserId, Key, code, CancellationToken.None), Is.False);
        store.Verify(s => s.TryAcceptTimeStepAsync(It.IsAny<string>(), It.IsAny<long>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void The_authenticator_uri_names_issuer_user_digits_and_period()
    {
        Assert.That(TwoFactorService.AuthenticatorUri("alice", "ABC"),
            Is.EqualTo("otpauth://totp/JwtMvc:alice?secret=ABC&issuer=JwtMvc&digits=6&period=30"));
    }
}
