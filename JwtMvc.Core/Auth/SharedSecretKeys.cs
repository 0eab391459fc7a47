using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace JwtMvc.Core.Auth;

/// <summary>
/// Shared-secret mode: HS256 with <c>Jwt:SigningKey</c>. Rotating keys: put a new <c>Jwt:SigningKey</c> in place
/// and move the old one to <c>Jwt:PreviousKeys</c> until its tokens have expired.
/// </summary>
public sealed class SharedSecretKeys : SigningKeys
{
    public SharedSecretKeys(IOptions<JwtOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var current = CreateKey(settings.SigningKey!, settings.SigningKeyId);
        Current = new SigningCredentials(current, SecurityAlgorithms.HmacSha256);
        ValidationKeys = [current, .. settings.PreviousKeys.Select(k => CreateKey(k.Key, k.KeyId))];
    }

    public override bool FromConfiguration => true;

    public override SigningCredentials Current { get; }

    public IReadOnlyList<SecurityKey> ValidationKeys { get; }

    public override void ApplyTo(TokenValidationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.IssuerSigningKeys = ValidationKeys;
    }

    private static SymmetricSecurityKey CreateKey(string base64, string? keyId)
    {
        var bytes = Convert.FromBase64String(base64);
        return new SymmetricSecurityKey(bytes) { KeyId = string.IsNullOrEmpty(keyId) ? DeriveKeyId(bytes) : keyId };
    }

    // A stable, non-secret id: the first 8 bytes of the key's SHA-256, so that rotating keys get new ids.
    private static string DeriveKeyId(byte[] key) => Base64UrlEncoder.Encode(SHA256.HashData(key).AsSpan(0, 8).ToArray());
}
