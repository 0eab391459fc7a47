namespace JwtMvc.Data;

/// <summary>The roles every JwtMvc database has; created by the initial migration.</summary>
public static class AppRoles
{
    public const string Admin = "Admin";
    public const string User = "User";

    public static IReadOnlyList<string> All { get; } = [Admin, User];
}
