using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace JwtMvc.Tests.Support;

/// <summary>
/// A WebAuthn authenticator in a few lines, for API tests: one ES256 passkey with user verification, "none" attestation,
/// a signature counter that moves on. It answers the server's options JSON with the credential JSON a browser's
/// <c>PublicKeyCredential.toJSON()</c> would send, from <see cref="Origin"/>.
/// </summary>
public sealed class SoftwareAuthenticator : IDisposable
{
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly byte[] credentialId = RandomNumberGenerator.GetBytes(32);
    private uint signCount;
    private string? userHandle;

    public SoftwareAuthenticator(string origin = "http://localhost") => Origin = origin;

    public string Origin { get; }

    /// <summary>The passkey's id as the API shows it.</summary>
    public string CredentialId => Base64Url.EncodeToString(credentialId);

    /// <summary>Answers creation options (<c>navigator.credentials.create()</c>).</summary>
    public JsonObject Create(JsonElement options, string? origin = null, string type = "webauthn.create")
    {
        var rpId = options.GetProperty("rp").GetProperty("id").GetString()!;
        userHandle = options.GetProperty("user").GetProperty("id").GetString();
        var clientData = ClientData(type, options.GetProperty("challenge").GetString()!, origin ?? Origin);
        var parameters = key.ExportParameters(includePrivateParameters: false);
        byte[] coseKey = [0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20, .. parameters.Q.X!, 0x22, 0x58, 0x20, .. parameters.Q.Y!];
        byte[] authData =
        [
            .. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), 0x45, .. Counter(++signCount),
            .. new byte[16], (byte)(credentialId.Length >> 8), (byte)credentialId.Length, .. credentialId, .. coseKey,
        ];
        byte[] attestationObject =
        [
            0xA3, 0x63, .. "fmt"u8, 0x64, .. "none"u8, 0x67, .. "attStmt"u8, 0xA0, 0x68, .. "authData"u8,
            .. ByteStringHeader(authData.Length), .. authData,
        ];
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["attestationObject"] = Base64Url.EncodeToString(attestationObject),
            ["transports"] = new JsonArray("internal"),
        });
    }

    /// <summary>Answers request options (<c>navigator.credentials.get()</c>) with this passkey.</summary>
    public JsonObject Get(JsonElement options, string? origin = null)
    {
        var rpId = options.GetProperty("rpId").GetString()!;
        var clientData = ClientData("webauthn.get", options.GetProperty("challenge").GetString()!, origin ?? Origin);
        byte[] authData = [.. SHA256.HashData(Encoding.UTF8.GetBytes(rpId)), 0x05, .. Counter(++signCount)];
        var signature = key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return Credential(new JsonObject
        {
            ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
            ["authenticatorData"] = Base64Url.EncodeToString(authData),
            ["signature"] = Base64Url.EncodeToString(signature),
            ["userHandle"] = userHandle,
        });
    }

    public void Dispose() => key.Dispose();

    private JsonObject Credential(JsonObject response) => new()
    {
        ["id"] = CredentialId,
        ["rawId"] = CredentialId,
        ["type"] = "public-key",
        ["authenticatorAttachment"] = "platform",
        ["clientExtensionResults"] = new JsonObject(),
        ["response"] = response,
    };

    /// <summary>What the browser says when the ceremony runs in a cross-origin iframe (WebAuthn <c>crossOrigin</c>).</summary>
    public bool CrossOrigin { get; set; }

    private byte[] ClientData(string type, string challenge, string origin) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type, challenge, origin, crossOrigin = CrossOrigin });

    private static byte[] Counter(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] ByteStringHeader(int length) =>
        length < 24 ? [(byte)(0x40 + length)] : length < 256 ? [0x58, (byte)length] : [0x59, (byte)(length >> 8), (byte)length];
}
