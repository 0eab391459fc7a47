namespace JwtMvc.Core.Auth;

/// <summary>Password sign-in: checks the credentials with the user store's lockout rules and starts a session.</summary>
public sealed class SignInService(IUserDirectory users, TokenService tokens)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string userNameOrEmail, string password, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userNameOrEmail);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (Passwords.IsTooLong(password))
        {
            return SignInOutcome.InvalidCredentials; // no password that long exists, so it is not worth hashing
        }

        return await users.CheckPasswordAsync(userNameOrEmail, password, cancellationToken) switch
        {
            PasswordCheck.Success success => new SignInOutcome.SignedIn(await tokens.StartSessionAsync(success.User, client, cancellationToken)),
            PasswordCheck.LockedOut locked => new SignInOutcome.LockedOut(locked.Until),
            PasswordCheck.EmailNotConfirmed => new SignInOutcome.EmailNotConfirmed(),
            _ => SignInOutcome.InvalidCredentials,
        };
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

    public sealed record EmailNotConfirmed : SignInOutcome;
}
