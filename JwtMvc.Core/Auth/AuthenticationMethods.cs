namespace JwtMvc.Core.Auth;

/// <summary>
/// The RFC 8176 authentication method references of a sign-in: what the <c>amr</c> claim of its access tokens
/// says. Stored on the session as the values joined by spaces.
/// </summary>
public sealed class AuthenticationMethods
{
    public const string Pwd = "pwd";
    public const string Otp = "otp";
    public const string Hwk = "hwk";
    public const string Mfa = "mfa";

    /// <summary>A password sign-in.</summary>
    public static readonly AuthenticationMethods Password = new([Pwd]);

    /// <summary>A password and then an authenticator code or a recovery code.</summary>
    public static readonly AuthenticationMethods PasswordAndOtp = new([Pwd, Otp, Mfa]);

    private AuthenticationMethods(string[] values) => Values = values;

    public IReadOnlyList<string> Values { get; }

    public bool IsMultiFactor => Values.Contains(Mfa, StringComparer.Ordinal);

    /// <summary>A passkey: <c>hwk</c>, plus <c>mfa</c> when the authenticator verified the user (PIN, biometrics).</summary>
    public static AuthenticationMethods Passkey(bool userVerified) => new(userVerified ? [Hwk, Mfa] : [Hwk]);

    /// <summary>Reads the stored form; unknown values are dropped, and nothing known means a password sign-in.</summary>
    public static AuthenticationMethods Parse(string? stored)
    {
        var values = (stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(v => v is Pwd or Otp or Hwk or Mfa)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return values.Length == 0 ? Password : new AuthenticationMethods(values);
    }

    public override string ToString() => string.Join(' ', Values);
}
