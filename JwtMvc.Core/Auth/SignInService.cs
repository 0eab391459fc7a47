using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Diagnostics;
using JwtMvc.Core.Security;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Password sign-in: checks the credentials with the user store's lockout rules and starts a session, or, for a
/// user with two-factor sign-in on, hands out the <c>mfaToken</c> for the second step (<see cref="SecondFactorSignIn"/>).
/// Every outcome is counted (<see cref="JwtMvcMetrics"/>) and recorded as a security event.
/// </summary>
public sealed class SignInService(
    IUserDirectory users, CredentialCheckGate gate, TokenService tokens, SecondFactorSignIn secondFactor, JwtMvcMetrics metrics, ISecurityEventLog events)
{
    public async Task<SignInOutcome> PasswordSignInAsync(string userNameOrEmail, string password, ClientInfo client, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userNameOrEmail);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentNullException.ThrowIfNull(client);
        using var activity = JwtMvcMetrics.ActivitySource.StartActivity("jwtmvc.sign_in");
        if (Passwords.IsTooLong(password))
        {
            // No password that long exists, so it is not worth hashing; still a failed sign-in.
            metrics.Login(LoginResult.Failure);
            await events.RecordAsync(SecurityEventTypes.SignInFailed, null, userNameOrEmail, client.IpAddress, "password too long", cancellationToken);
            return SignInOutcome.InvalidCredentials;
        }

        PasswordCheck check;
        using (await gate.EnterAsync(userNameOrEmail.Trim(), cancellationToken))
        {
            check = await users.CheckPasswordAsync(userNameOrEmail, password, cancellationToken);
        }

        switch (check)
        {
            case PasswordCheck.Success success:
                if (await secondFactor.BeginIfRequiredAsync(success.User, success.StampHash, cancellationToken) is { } mfaToken)
                {
                    metrics.Login(LoginResult.MfaRequired);
                    activity?.SetTag("jwtmvc.result", "mfa_required");
                    return new SignInOutcome.TwoFactorRequired(mfaToken);
                }

                var start = await tokens.StartSessionAsync(success.User, AuthenticationMethods.Password, success.StampHash, client, cancellationToken);
                if (start.IsRefused)
                {
                    metrics.Login(LoginResult.Failure);
                    await events.RecordAsync(SecurityEventTypes.SignInFailed, success.User.Id, success.User.UserName, client.IpAddress, start.Refusal, cancellationToken);
                    activity?.SetTag("jwtmvc.result", "failure");
                    return SignInOutcome.InvalidCredentials;
                }

                // The session is started: its record is not abandoned with the request.
                metrics.Login(LoginResult.Success);
                await events.RecordAsync(SecurityEventTypes.SignIn, success.User.Id, success.User.UserName, client.IpAddress, null, CancellationToken.None);
                activity?.SetTag("jwtmvc.result", "success");
                return new SignInOutcome.SignedIn(start.Tokens);
            case PasswordCheck.LockedOut locked:
                metrics.Login(LoginResult.Locked);
                await events.RecordAsync(SecurityEventTypes.SignInFailed, locked.UserId, userNameOrEmail, client.IpAddress, "account locked", cancellationToken);
                activity?.SetTag("jwtmvc.result", "locked");
                return new SignInOutcome.LockedOut(locked.Until);
            case PasswordCheck.InvalidCredentials invalid:
                metrics.Login(LoginResult.Failure);
                await events.RecordAsync(SecurityEventTypes.SignInFailed, invalid.UserId, userNameOrEmail, client.IpAddress, null, cancellationToken);
                if (invalid.NowLockedOut)
                {
                    await events.RecordAsync(SecurityEventTypes.Lockout, invalid.UserId, userNameOrEmail, client.IpAddress, "too many failed sign-ins", cancellationToken);
                }

                activity?.SetTag("jwtmvc.result", "failure");
                return SignInOutcome.InvalidCredentials;
            case PasswordCheck.EmailNotConfirmed:
                metrics.Login(LoginResult.Failure);
                await events.RecordAsync(SecurityEventTypes.SignInFailed, null, userNameOrEmail, client.IpAddress, "email not confirmed", cancellationToken);
                activity?.SetTag("jwtmvc.result", "email_not_confirmed");
                return new SignInOutcome.EmailNotConfirmed();
            default:
                throw new InvalidOperationException("Unknown password check outcome.");
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
