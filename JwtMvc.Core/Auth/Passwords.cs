namespace JwtMvc.Core.Auth;

/// <summary>Rules every endpoint that takes a password applies before the password reaches a hash function.</summary>
public static class Passwords
{
    /// <summary>
    /// The longest password accepted anywhere (sign-in, registration, change, admin create and reset). Longer
    /// input is refused unread by the hasher, so a megabyte "password" costs no more than a short one.
    /// </summary>
    public const int MaxLength = 256;

    public static bool IsTooLong(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        return password.Length > MaxLength;
    }
}
