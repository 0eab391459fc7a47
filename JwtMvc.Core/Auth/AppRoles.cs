namespace JwtMvc.Core.Auth;

/// <summary>
/// The roles every JwtMvc database has (the initial migration creates them); the one place their names are spelt,
/// for the seed data, the user rules, the authorization policies and the role claims alike.
/// </summary>
public static class AppRoles
{
    /// <summary>Administers users and sees every user's orders.</summary>
    public const string Admin = "Admin";

    /// <summary>Every account; registration gives it.</summary>
    public const string User = "User";

    public static IReadOnlyList<string> All { get; } = [Admin, User];
}

/// <summary>The names of the authorization policies, for <c>[Authorize(Policy = ...)]</c> and their registration.</summary>
public static class AppPolicies
{
    /// <summary>Members of <see cref="AppRoles.Admin"/> only.</summary>
    public const string Admin = "Admin";
}
