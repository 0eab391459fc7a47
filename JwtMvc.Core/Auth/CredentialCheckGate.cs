using JwtMvc.Core.Concurrency;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Runs the credential checks of one account one at a time on this instance (password sign-in, second factor): each
/// sees the failures the one before it counted, so guesses sent at once cannot all pass the lockout check before any
/// of them is counted. Striped: a fixed set of locks chosen by the account's name or id, so it keeps nothing per account;
/// two accounts that share a stripe wait for each other, which costs little next to the checks themselves.
/// </summary>
public sealed class CredentialCheckGate : IDisposable
{
    private const int Stripes = 64;

    private readonly SemaphoreSlim[] stripes = [.. Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1))];

    /// <param name="account">A user name, e-mail address or id, compared without regard to case.</param>
    public Task<IDisposable> EnterAsync(string account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return stripes[(int)((uint)StringComparer.OrdinalIgnoreCase.GetHashCode(account) % Stripes)].EnterAsync(cancellationToken);
    }

    public void Dispose()
    {
        foreach (var stripe in stripes)
        {
            stripe.Dispose();
        }
    }
}
