using JwtMvc.Core.Auth.TwoFactor;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Password sign-in: checks the credentials with the user store's lockout rules and starts a session, or, for a
/// user with two-factor sign-in on, hands out the <c>mfaToken</c> for the second step (<see cref="SecondFactorSignIn"/>).
/// </summary>
public sealed class SignInService(IUserDirectory users, TokenService tokens, SecondFactorSignIn secondFactor)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string userNameOrEmail, string password, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userNameOrEmail);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (Passwords.IsTooLong(password))
        {
            return SignInOutcome.InvalidCredentials; // no password that long exists, so it is not worth hashing
        }

        switch (await users.CheckPasswordAsync(userNameOrEmail, password, cancellationToken))
        {
            case PasswordCheck.Success success:
                return await secondFactor.BeginIfRequiredAsync(success.User, cancellationToken) is { } mfaToken
                    ? new SignInOutcome.TwoFactorRequired(mfaToken)
                    : new SignInOutcome.SignedIn(await tokens.StartSessionAsync(success.User, AuthenticationMethods.Password, client, cancellationToken));
            case PasswordCheck.LockedOut locked:
                return new SignInOutcome.LockedOut(locked.Until);
            case PasswordCheck.EmailNotConfirmed:
                return new SignInOutcome.EmailNotConfirmed();
            default:
                return SignInOutcome.InvalidCredentials;
        }
    }
}

public abstract record SignInOutcome
{
    public static readonly SignInOutcome InvalidCredentials = new Invalid();

    private SignInOutcome()
    {
    }

    public sealed record SignedIn(IssuedTokens Tokens) : SignInOutcome;

    public sealed record Invalid : SignInOutcome;

    public sealed record LockedOut(DateTimeOffset? Until) : SignInOutcome;

    /// <summary>The password was right; the sign-in continues with a second factor and this opaque token.</summary>
    public sealed record TwoFactorRequired(string MfaToken) : SignInOutcome;

    public sealed record EmailNotConfirmed : SignInOutcome;
}
