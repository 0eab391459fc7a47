using JwtMvc.Core.Validation;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Signing in and changing one's own account, under Identity's rules. Implemented over ASP.NET Core Identity in
/// JwtMvc.Data. Reading a user's record is <see cref="IUserReader"/>.
/// </summary>
public interface IUserDirectory
{
    /// <summary>
    /// Checks a password with Identity's lockout rules. Wrong password and unknown user are the same
    /// outcome; a locked-out user is reported as locked out only when the password was right.
    /// </summary>
    Task<PasswordCheck> CheckPasswordAsync(string userNameOrEmail, string password, CancellationToken cancellationToken);

    Task<ValidationOutcome> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken cancellationToken);

    Task<ValidationOutcome<AuthUser>> RegisterAsync(string userName, string email, string password, CancellationToken cancellationToken);
}

public abstract record PasswordCheck
{
    private PasswordCheck()
    {
    }

    /// <param name="StampHash">
    /// The user's security stamp (<see cref="IUserReader.FindStampHashAsync"/>) as it was before the password was
    /// checked: the session this sign-in starts must not outlive a change that commits meanwhile.
    /// </param>
    public sealed record Success(AuthUser User, string StampHash) : PasswordCheck;

    /// <param name="UserId">The user the name belongs to; null when there is none.</param>
    /// <param name="NowLockedOut">This failure locked the account.</param>
    public sealed record InvalidCredentials(string? UserId = null, bool NowLockedOut = false) : PasswordCheck;

    public sealed record LockedOut(DateTimeOffset? Until, string? UserId = null) : PasswordCheck;

    /// <summary>The password was right, but <c>Accounts:RequireConfirmedEmail</c> is on and the email is not confirmed.</summary>
    public sealed record EmailNotConfirmed : PasswordCheck;
}
