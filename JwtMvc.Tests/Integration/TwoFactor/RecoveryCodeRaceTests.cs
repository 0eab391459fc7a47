using System.Net;
using System.Net.Http.Json;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.TwoFactor;

/// <summary>
/// Two requests that both found one <c>mfaToken</c> still unused, each with a different recovery code: one signs in,
/// and the other must not cost the user its code.
/// </summary>
public sealed class RecoveryCodeRaceTests
{
    [Test]
    public async Task The_request_that_loses_the_mfa_token_keeps_its_recovery_code()
    {
        // Arrange: both second steps have looked the mfaToken up; the first is let on, the second waits until it is done.
        var interleaving = new FoundTogether();
        using var factory = new JwtMvcFactory
        {
            TestServices = services => services.AddScoped<IAuthChallengeStore>(
                provider => new InterleavedChallenges(ActivatorUtilities.CreateInstance<AuthChallengeStore>(provider), interleaving)),
        };
        var (user, userName, password) = await factory.NewUserAsync();
        var (_, codes) = await factory.EnableTwoFactorAsync(user);
        var client = factory.CreateClient();
        var mfaToken = await client.PasswordStepAsync(userName, password);
        interleaving.Arm();

        // Act
        var winning = client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, recoveryCode = codes[0] });
        await interleaving.FirstFound.WaitAsync(TimeSpan.FromSeconds(20));
        var losing = client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken, recoveryCode = codes[1] });
        var won = await winning.WaitAsync(TimeSpan.FromSeconds(20));
        interleaving.LetSecondGo();
        var lost = await losing.WaitAsync(TimeSpan.FromSeconds(20));

        // Assert
        Assert.That(won.StatusCode, Is.EqualTo(HttpStatusCode.OK), await won.Content.ReadAsStringAsync());
        Assert.That(lost.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "an mfaToken signs in once");
        var status = (await (await user.GetAsync("/api/account/2fa")).Content.ReadFromJsonAsync<TwoFactorStatusBody>())!;
        Assert.That(status.RecoveryCodesLeft, Is.EqualTo(9), "only the winner's code is used up");
        var again = await client.PostAsJsonAsync("/api/auth/login/2fa", new { mfaToken = await client.PasswordStepAsync(userName, password), recoveryCode = codes[1] });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the loser's code still signs in");
    }

    /// <summary>Once armed: the first lookup waits for the second, and the second waits until the test lets it go.</summary>
    private sealed class FoundTogether
    {
        private readonly TaskCompletionSource firstFound = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource secondFound = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource secondGo = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int armed;
        private int lookups;

        public Task FirstFound => firstFound.Task;

        public void Arm() => Volatile.Write(ref armed, 1);

        public void LetSecondGo() => secondGo.TrySetResult();

        public async Task AfterLookupAsync()
        {
            if (Volatile.Read(ref armed) == 0)
            {
                return;
            }

            switch (Interlocked.Increment(ref lookups))
            {
                case 1:
                    firstFound.TrySetResult();
                    await secondFound.Task.WaitAsync(TimeSpan.FromSeconds(20));
                    break;
                case 2:
                    secondFound.TrySetResult();
                    await secondGo.Task.WaitAsync(TimeSpan.FromSeconds(20));
                    break;
            }
        }
    }

    private sealed class InterleavedChallenges(IAuthChallengeStore inner, FoundTogether interleaving) : IAuthChallengeStore
    {
        public Task CreateAsync(AuthChallenge challenge, CancellationToken cancellationToken) => inner.CreateAsync(challenge, cancellationToken);

        public async Task<AuthChallenge?> FindActiveAsync(string handleHash, string kind, DateTimeOffset now, CancellationToken cancellationToken)
        {
            var found = await inner.FindActiveAsync(handleHash, kind, now, cancellationToken);
            await interleaving.AfterLookupAsync();
            return found;
        }

        public Task<bool> TryConsumeAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken) => inner.TryConsumeAsync(id, now, cancellationToken);
    }
}
