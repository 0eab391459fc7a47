using JwtMvc.Core.Auth.Keys;

using Microsoft.AspNetCore.DataProtection;

namespace JwtMvc.Data.Stores;

/// <summary>Signing keys' private halves, protected with Data Protection, whose own keys live in the same database.</summary>
internal sealed class DataProtectionKeyProtector(IDataProtectionProvider provider) : IPrivateKeyProtector
{
    private readonly IDataProtector protector = provider.CreateProtector("JwtMvc.SigningKeys.v1");

    public string Protect(byte[] privateKey) => Convert.ToBase64String(protector.Protect(privateKey));

    public byte[] Unprotect(string protectedKey) => protector.Unprotect(Convert.FromBase64String(protectedKey));
}
