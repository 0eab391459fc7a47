namespace JwtMvc.Data;

/// <summary>
/// When a passkey last signed someone in. Identity's passkey record has no such field, and its JSON data column is
/// Identity's to shape, so the time lives in a row of its own, removed with the passkey.
/// </summary>
public sealed class PasskeyLastUse
{
    public required byte[] CredentialId { get; init; }

    public DateTimeOffset LastUsedAt { get; set; }
}
