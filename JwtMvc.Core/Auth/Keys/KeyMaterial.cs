using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth.Keys;

/// <summary>Makes key pairs and turns stored halves back into keys the token handler uses.</summary>
internal static class KeyMaterial
{
    private const int RsaKeyBits = 2048;

    /// <summary>A new key pair: its kid (RFC 7638 thumbprint), its public JWK and its PKCS#8 private key.</summary>
    public static (string KeyId, string PublicJwk, byte[] PrivateKey) Create(string algorithm)
    {
        switch (algorithm)
        {
            case JwtOptions.EcdsaAlgorithm:
            {
                using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var point = ecdsa.ExportParameters(false).Q;
                var x = Base64UrlEncoder.Encode(point.X);
                var y = Base64UrlEncoder.Encode(point.Y);
                var kid = Thumbprint($$"""{"crv":"P-256","kty":"EC","x":"{{x}}","y":"{{y}}"}""");
                var jwk = new JsonObject { ["kty"] = "EC", ["kid"] = kid, ["use"] = "sig", ["alg"] = algorithm, ["crv"] = "P-256", ["x"] = x, ["y"] = y };
                return (kid, jwk.ToJsonString(), ecdsa.ExportPkcs8PrivateKey());
            }

            case JwtOptions.RsaAlgorithm:
            {
                using var rsa = RSA.Create(RsaKeyBits);
                var parameters = rsa.ExportParameters(false);
                var n = Base64UrlEncoder.Encode(parameters.Modulus);
                var e = Base64UrlEncoder.Encode(parameters.Exponent);
                var kid = Thumbprint($$"""{"e":"{{e}}","kty":"RSA","n":"{{n}}"}""");
                var jwk = new JsonObject { ["kty"] = "RSA", ["kid"] = kid, ["use"] = "sig", ["alg"] = algorithm, ["n"] = n, ["e"] = e };
                return (kid, jwk.ToJsonString(), rsa.ExportPkcs8PrivateKey());
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Only ES256 and RS256 keys can be made.");
        }
    }

    /// <summary>The public half, for verifying.</summary>
    public static AsymmetricSecurityKey PublicKey(SigningKeyRecord key)
    {
        using var document = JsonDocument.Parse(key.PublicJwk);
        var root = document.RootElement;
        byte[] Member(string name) => Base64UrlEncoder.DecodeBytes(root.GetProperty(name).GetString());
        return key.Algorithm switch
        {
            JwtOptions.EcdsaAlgorithm => new ECDsaSecurityKey(ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Member("x"), Y = Member("y") },
            })) { KeyId = key.KeyId },
            JwtOptions.RsaAlgorithm => new RsaSecurityKey(RSA.Create(new RSAParameters { Modulus = Member("n"), Exponent = Member("e") })) { KeyId = key.KeyId },
            _ => throw new InvalidOperationException($"Signing key {key.KeyId} has the unsupported algorithm {key.Algorithm}."),
        };
    }

    /// <summary>The private half, for signing.</summary>
    public static SigningCredentials Signing(SigningKeyRecord key, byte[] privateKey)
    {
        SecurityKey securityKey;
        switch (key.Algorithm)
        {
            case JwtOptions.EcdsaAlgorithm:
                var ecdsa = ECDsa.Create();
                ecdsa.ImportPkcs8PrivateKey(privateKey, out _);
                securityKey = new ECDsaSecurityKey(ecdsa) { KeyId = key.KeyId };
                break;
            case JwtOptions.RsaAlgorithm:
                var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(privateKey, out _);
                securityKey = new RsaSecurityKey(rsa) { KeyId = key.KeyId };
                break;
            default:
                throw new InvalidOperationException($"Signing key {key.KeyId} has the unsupported algorithm {key.Algorithm}.");
        }

        CryptographicOperations.ZeroMemory(privateKey);
        return new SigningCredentials(securityKey, key.Algorithm);
    }

    // RFC 7638: SHA-256 of the required members, in lexicographic order, no whitespace.
    private static string Thumbprint(string canonicalJwk) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJwk)));
}
