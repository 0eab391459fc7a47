using Microsoft.AspNetCore.Identity;

namespace JwtMvc.Data;

/// <summary>An Identity user with what JwtMvc shows about them.</summary>
public sealed class AppUser : IdentityUser
{
    public const int DisplayNameMaxLength = 100;

    public string? DisplayName { get; set; }
}
