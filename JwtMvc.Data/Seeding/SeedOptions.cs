namespace JwtMvc.Data.Seeding;

/// <summary>Data the seeder puts into a database; the <c>Seed</c> section (Development settings only).</summary>
internal sealed class SeedOptions
{
    public const string Section = "Seed";

    public List<SeedUser> Users { get; set; } = [];
}

internal sealed class SeedUser
{
    public string UserName { get; set; } = "";

    public string? Email { get; set; }

    public string Password { get; set; } = "";

    public string? DisplayName { get; set; }

    public List<string> Roles { get; set; } = [];
}
