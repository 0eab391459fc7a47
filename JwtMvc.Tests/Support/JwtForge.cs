using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Tests.Support;

/// <summary>Builds JWTs by hand, so tests can make the malformed, forged and tampered tokens attackers send.</summary>
public static class JwtForge
{
    public static string Sign(JsonObject header, JsonObject payload, byte[]? hmacKey)
    {
        var signingInput = Encode(header) + "." + Encode(payload);
        var signature = hmacKey is null ? "" : Base64UrlEncoder.Encode(HMACSHA256.HashData(hmacKey, Encoding.ASCII.GetBytes(signingInput)));
        return signingInput + "." + signature;
    }

    public static (JsonObject Header, JsonObject Payload) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        return ((JsonObject)JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!, (JsonObject)JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!);
    }

    /// <summary>Changes one claim of a token and keeps its old signature.</summary>
    public static string TamperPayload(string jwt, string claim, JsonNode? value)
    {
        var parts = jwt.Split('.');
        var payload = (JsonObject)JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload[claim] = value;
        return parts[0] + "." + Encode(payload) + "." + parts[2];
    }

    private static string Encode(JsonObject json) => Base64UrlEncoder.Encode(json.ToJsonString(new JsonSerializerOptions()));
}
