using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Tests.Support;
using Moq;

namespace JwtMvc.Tests.Unit.Auth;

/// <summary>
/// Guesses for one account sent at once must be checked one after the other, each seeing the failures counted before
/// it: checked side by side, all of them pass the lockout check before any failure is counted.
/// </summary>
public sealed class CredentialCheckGateTests
{
    private const string Key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static readonly ClientInfo Client = new("203.0.113.9", "test");

    private TokenServiceBuilder builder = null!;
    private Overlap overlap = null!;

    [SetUp]
    public void CreateBuilder()
    {
        builder = new TokenServiceBuilder();
        overlap = new Overlap();
    }

    [Test]
    public async Task Password_guesses_for_one_account_sent_at_once_are_checked_one_at_a_time()
    {
        var users = new Mock<IUserDirectory>(MockBehavior.Strict);
        users.Setup(u => u.CheckPasswordAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                await overlap.EnterAsync();
                overlap.Leave();
                return new PasswordCheck.InvalidCredentials(TokenServiceBuilder.Alice.Id);
            });
        var gate = new CredentialCheckGate();
        var signIn = new SignInService(users.Object, gate, builder.Build(), SecondFactor(new Mock<ITwoFactorStore>(), gate), builder.Metrics, builder.Events.Object);

        var outcomes = await Task.WhenAll(
            signIn.PasswordSignInAsync("alice", "guess-1", Client, CancellationToken.None),
            signIn.PasswordSignInAsync("ALICE ", "guess-2", Client, CancellationToken.None));

        Assert.That(outcomes, Is.All.EqualTo(SignInOutcome.InvalidCredentials));
        Assert.That(overlap.Most, Is.EqualTo(1), "never two checks of one account at once (its name in any case)");
    }

    [Test]
    public async Task Second_factor_guesses_for_one_account_sent_at_once_are_checked_one_at_a_time()
    {
        var store = new Mock<ITwoFactorStore>();
        store.Setup(s => s.GetStateAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(new TwoFactorState("alice", true, Key, 10));
        store.Setup(s => s.IsLockedOutAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>())).Returns(() => overlap.EnterAsync());
        store.Setup(s => s.RecordFailureAsync(TokenServiceBuilder.Alice.Id, It.IsAny<CancellationToken>()))
            .ReturnsAsync(() =>
            {
                overlap.Leave();
                return false;
            });
        var signIn = SecondFactor(store, new CredentialCheckGate());
        var mfaToken = await signIn.BeginIfRequiredAsync(TokenServiceBuilder.Alice, TokenServiceBuilder.StampHash, CancellationToken.None);
        var wrong = WrongCode();

        var outcomes = await Task.WhenAll(
            signIn.CompleteAsync(mfaToken, wrong, null, Client, CancellationToken.None),
            signIn.CompleteAsync(mfaToken, wrong, null, Client, CancellationToken.None));

        Assert.That(outcomes, Is.All.EqualTo(SignInOutcome.InvalidCredentials));
        Assert.That(overlap.Most, Is.EqualTo(1), "never two checks of one account at once");
    }

    private SecondFactorSignIn SecondFactor(Mock<ITwoFactorStore> store, CredentialCheckGate gate)
    {
        var twoFactor = new TwoFactorService(store.Object, Mock.Of<IPasskeyStore>(), builder.BuildSessions(), builder.Events.Object, builder.Clock);
        return new SecondFactorSignIn(store.Object, new InMemoryAuthChallengeStore(), gate, builder.Users.Object, twoFactor, builder.Build(), builder.Events.Object, builder.Clock);
    }

    /// <summary>A code of none of the time steps an authenticator's code is accepted for.</summary>
    private string WrongCode()
    {
        var step = Totp.TimeStep(builder.Clock.GetUtcNow());
        var accepted = new[] { -1, 0, 1 }.Select(d => Totp.Compute(Base32.Decode(Key)!, step + d)).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => $"{i}{i}{i}{i}{i}{i}").First(code => !accepted.Contains(code));
    }

    /// <summary>Counts the checks under way at once; the first waits a while for a second to arrive beside it.</summary>
    private sealed class Overlap
    {
        private readonly TaskCompletionSource second = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int inside;
        private int most;

        public int Most => Volatile.Read(ref most);

        public async Task<bool> EnterAsync()
        {
            var now = Interlocked.Increment(ref inside);
            int seen;
            while (now > (seen = Volatile.Read(ref most)) && Interlocked.CompareExchange(ref most, now, seen) != seen)
            {
            }

            if (now > 1)
            {
                second.TrySetResult();
            }

            await Task.WhenAny(second.Task, Task.Delay(TimeSpan.FromMilliseconds(300)));
            return false;
        }

        public void Leave() => Interlocked.Decrement(ref inside);
    }
}
