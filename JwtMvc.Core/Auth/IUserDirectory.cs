namespace JwtMvc.Core.Auth;

/// <summary>The users, as the token server sees them. Implemented over ASP.NET Core Identity in JwtMvc.Data.</summary>
public interface IUserDirectory
{
    /// <summary>
    /// Checks a password with Identity's lockout rules. Wrong password and unknown user are the same
    /// outcome; a locked-out user is reported as locked out only when the password was right.
    /// </summary>
    Task<PasswordCheck> CheckPasswordAsync(string userNameOrEmail, string password, CancellationToken cancellationToken);

    Task<AuthUser?> FindByIdAsync(string userId, CancellationToken cancellationToken);

    Task<IdentityOutcome> ChangePasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken cancellationToken);

    Task<IdentityOutcome<AuthUser>> RegisterAsync(string userName, string email, string password, CancellationToken cancellationToken);
}

public abstract record PasswordCheck
{
    private PasswordCheck()
    {
    }

    public sealed record Success(AuthUser User) : PasswordCheck;

    /// <param name="UserId">The user the name belongs to; null when there is none.</param>
    /// <param name="NowLockedOut">This failure locked the account.</param>
    public sealed record InvalidCredentials(string? UserId = null, bool NowLockedOut = false) : PasswordCheck;

    public sealed record LockedOut(DateTimeOffset? Until, string? UserId = null) : PasswordCheck;
}

/// <summary>One failed rule, keyed by the input field it belongs to (camelCase).</summary>
public sealed record IdentityError(string Field, string Code, string Description);

/// <summary>The outcome of an Identity operation that may break rules.</summary>
public record IdentityOutcome(IReadOnlyList<IdentityError> Errors)
{
    public static readonly IdentityOutcome Ok = new([]);

    public bool Succeeded => Errors.Count == 0;

    public static IdentityOutcome Failed(params IdentityError[] errors) => new(errors);
}

public sealed record IdentityOutcome<T>(T? Value, IReadOnlyList<IdentityError> Errors) : IdentityOutcome(Errors)
{
    public static IdentityOutcome<T> Success(T value) => new(value, []);

    public static new IdentityOutcome<T> Failed(params IdentityError[] errors) => new(default, errors);
}
