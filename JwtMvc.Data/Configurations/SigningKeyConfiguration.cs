using JwtMvc.Core.Auth.Keys;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKeyRecord>
{
    public void Configure(EntityTypeBuilder<SigningKeyRecord> builder)
    {
        builder.ToTable("SigningKeys");
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.Property(k => k.Algorithm).HasMaxLength(16).IsRequired();
        builder.Property(k => k.PublicJwk).HasMaxLength(2048).IsRequired();
        builder.Property(k => k.ProtectedPrivateKey).IsRequired();

        // The race guard: instances that plan the same next key both try this generation; one insert wins.
        builder.HasIndex(k => k.Generation).IsUnique();
        builder.HasIndex(k => k.RemovedAt);
    }
}
