using JwtMvc.Core.Security;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

/// <summary>The security event log. No foreign key to the users: events about a deleted user must stay.</summary>
internal sealed class SecurityEventConfiguration : IEntityTypeConfiguration<SecurityEvent>
{
    public const int TypeMaxLength = 32;
    public const int TextMaxLength = 256;

    public void Configure(EntityTypeBuilder<SecurityEvent> builder)
    {
        builder.ToTable("SecurityEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Type).HasMaxLength(TypeMaxLength).IsRequired();
        builder.Property(e => e.UserId).HasMaxLength(SessionConfiguration.UserIdMaxLength);
        builder.Property(e => e.UserName).HasMaxLength(TextMaxLength);
        builder.Property(e => e.IpAddress).HasMaxLength(TextMaxLength);
        builder.Property(e => e.Detail).HasMaxLength(TextMaxLength);

        // The summary and the sweep read by time; the list filters by type (and user), newest first.
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.Type, e.At });
        builder.HasIndex(e => new { e.UserId, e.At });
    }
}
