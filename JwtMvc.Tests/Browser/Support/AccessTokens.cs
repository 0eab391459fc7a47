using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace JwtMvc.Tests.Browser.Support;

/// <summary>Access tokens the app itself would have issued, but already expired.</summary>
internal static class AccessTokens
{
    /// <summary>
    /// <paramref name="genuineToken"/> with the same header (alg, typ, kid) and claims (user, roles, session),
    /// its lifetime moved into the past well beyond the clock skew, and signed again with the app's key.
    /// So the app refuses it for one reason only: it has expired.
    /// </summary>
    public static string Expired(string genuineToken, byte[] signingKey)
    {
        var parts = genuineToken.Split('.');
        if (parts.Length != 3)
        {
            throw new ArgumentException("Not a JWS compact serialization.", nameof(genuineToken));
        }

        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        var now = DateTimeOffset.UtcNow;
        claims["iat"] = now.AddMinutes(-20).ToUnixTimeSeconds();
        claims["nbf"] = now.AddMinutes(-20).ToUnixTimeSeconds();
        claims["exp"] = now.AddMinutes(-5).ToUnixTimeSeconds();
        claims["jti"] = Guid.NewGuid().ToString("N");

        var unsigned = parts[0] + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = HMACSHA256.HashData(signingKey, Encoding.ASCII.GetBytes(unsigned));
        return unsigned + "." + Base64Url.EncodeToString(signature);
    }
}
