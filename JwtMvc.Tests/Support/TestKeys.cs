using System.Security.Cryptography;

namespace JwtMvc.Tests.Support;

public static class TestKeys
{
    /// <summary>A fresh random 256-bit key, base64, as <c>Jwt:SigningKey</c> takes it.</summary>
    public static string NewSigningKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
