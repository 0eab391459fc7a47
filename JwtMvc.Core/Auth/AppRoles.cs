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
