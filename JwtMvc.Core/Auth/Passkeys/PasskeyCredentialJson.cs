using System.Buffers.Text;
using System.Text.Json;

namespace JwtMvc.Core.Auth.Passkeys;

/// <summary>
/// Reads the little the server needs from a WebAuthn credential JSON (<c>PublicKeyCredential.toJSON()</c>) before it
/// verifies it: which ceremony it answers (the challenge in its client data) and whether the authenticator verified
/// the user. Anything malformed reads as null; nothing here trusts what it reads, verification does.
/// </summary>
public static class PasskeyCredentialJson
{
    /// <summary>Larger than any credential a browser sends; bounds the work spent on garbage.</summary>
    public const int MaxLength = 12 * 1024;

    private const int ChallengeMaxLength = 128;
    private const int FlagsOffset = 32;
    private const byte UserVerifiedFlag = 0x04;

    /// <summary>The base64url challenge of <c>response.clientDataJSON</c>, or null when the JSON is not a credential.</summary>
    public static string? ReadChallenge(string? credentialJson)
    {
        if (ResponseMember(credentialJson, "clientDataJSON") is not { } clientData)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(clientData);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("challenge", out var challenge)
                && challenge.ValueKind == JsonValueKind.String
                && challenge.GetString() is { Length: > 0 and <= ChallengeMaxLength } value
                && Base64Url.IsValid(value)
                    ? value
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The UV flag of <c>response.authenticatorData</c>; false when it cannot be read.</summary>
    public static bool ReadUserVerified(string? credentialJson) =>
        ResponseMember(credentialJson, "authenticatorData") is { Length: > FlagsOffset } data && (data[FlagsOffset] & UserVerifiedFlag) != 0;

    /// <summary>The <c>challenge</c> of creation or request options JSON.</summary>
    public static string ReadOptionsChallenge(string optionsJson)
    {
        using var document = JsonDocument.Parse(optionsJson);
        return document.RootElement.GetProperty("challenge").GetString()
            ?? throw new InvalidOperationException("The passkey options carry no challenge.");
    }

    private static byte[]? ResponseMember(string? credentialJson, string name)
    {
        if (credentialJson is not { Length: > 0 and <= MaxLength })
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(credentialJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("response", out var response)
                || response.ValueKind != JsonValueKind.Object
                || !response.TryGetProperty(name, out var member)
                || member.ValueKind != JsonValueKind.String
                || member.GetString() is not { } encoded
                || !Base64Url.IsValid(encoded))
            {
                return null;
            }

            return Base64Url.DecodeFromChars(encoded);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
