namespace JwtMvc.Web.Auth.Passkeys;

/// <summary>The <c>Passkeys</c> section.</summary>
public sealed class PasskeyOptions
{
    public const string Section = "Passkeys";

    /// <summary>
    /// The WebAuthn relying-party id, a host name such as <c>auth.example.com</c>. Unset: the host of
    /// <c>App:PublicBaseUrl</c>, or in Development <c>localhost</c>; with neither, passkeys are off.
    /// </summary>
    public string? ServerDomain { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(ServerDomain);

    /// <summary>A bare host name: no scheme, port, path or wildcard.</summary>
    public static bool IsValidDomain(string value) =>
        value.Length <= 253 && Uri.CheckHostName(value) == UriHostNameType.Dns && value == value.ToLowerInvariant();
}
