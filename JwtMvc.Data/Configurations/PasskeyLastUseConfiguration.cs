using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class PasskeyLastUseConfiguration : IEntityTypeConfiguration<PasskeyLastUse>
{
    /// <summary>WebAuthn credential ids are at most 1023 bytes; Identity's passkey key has the same bound.</summary>
    public const int CredentialIdMaxLength = 1024;

    public void Configure(EntityTypeBuilder<PasskeyLastUse> builder)
    {
        builder.ToTable("PasskeyLastUses");
        builder.HasKey(u => u.CredentialId);
        builder.Property(u => u.CredentialId).HasMaxLength(CredentialIdMaxLength);
        builder.HasOne<IdentityUserPasskey<string>>()
            .WithOne()
            .HasForeignKey<PasskeyLastUse>(u => u.CredentialId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
