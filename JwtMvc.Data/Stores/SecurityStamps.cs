using System.Security.Cryptography;
using System.Text;

namespace JwtMvc.Data.Stores;

/// <summary>
/// What leaves Data of a user's security stamp: its SHA-256, in hex. The stamp itself is a secret (Identity's code
/// providers derive codes from it); Identity renews it with every change that must end what was signed in before.
/// </summary>
internal static class SecurityStamps
{
    /// <summary>A user without a stamp hashes as the empty one: any stamp Identity sets later differs from it.</summary>
    public static string Hash(string? stamp) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stamp ?? "")));
}
