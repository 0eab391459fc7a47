namespace JwtMvc.Core.Auth;

/// <summary>
/// The authorization policies: their names, for <c>[Authorize(Policy = ...)]</c> and their registration, and what
/// each asks of a signed-in user beyond a role, so that the rule is spelt out in one place.
/// </summary>
public static class AppPolicies
{
    /// <summary>
    /// Members of <see cref="AppRoles.Admin"/> only; with <see cref="AppAuthorizationOptions.AdminRequiresMfa"/>, only
    /// when the session was started with more than one factor (<see cref="MeetsAdminSecondFactor"/>).
    /// </summary>
    public const string Admin = "Admin";

    /// <summary>
    /// Whether a token's <c>amr</c> values are enough for the Admin policy: always when
    /// <see cref="AppAuthorizationOptions.AdminRequiresMfa"/> is off; otherwise only when they hold
    /// <see cref="AuthenticationMethods.Mfa"/> (password and authenticator code, or a user-verifying passkey).
    /// </summary>
    public static bool MeetsAdminSecondFactor(IEnumerable<string> authenticationMethods, AppAuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(authenticationMethods);
        ArgumentNullException.ThrowIfNull(options);
        return !options.AdminRequiresMfa || authenticationMethods.Contains(AuthenticationMethods.Mfa, StringComparer.Ordinal);
    }
}

/// <summary>Settings of the authorization policies, bound from the <c>Authorization</c> section.</summary>
public sealed class AppAuthorizationOptions
{
    public const string Section = "Authorization";

    /// <summary>
    /// When true, the admin APIs (and so the admin pages, whose data comes from them) refuse a token whose sign-in
    /// did not use a second factor. Off by default, so a fresh install's admin can sign in before enrolling one.
    /// </summary>
    public bool AdminRequiresMfa { get; set; }
}
