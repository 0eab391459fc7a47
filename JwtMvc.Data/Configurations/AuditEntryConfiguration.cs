using JwtMvc.Core.Admin;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

/// <summary>
/// The audit trail. No foreign key to the users: entries about a deleted user (or by one) must stay.
/// </summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const int UserNameMaxLength = 256;
    public const int ActionMaxLength = 64;
    public const int DetailMaxLength = 1000;

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.ActorId).HasMaxLength(SessionConfiguration.UserIdMaxLength).IsRequired();
        builder.Property(e => e.ActorUserName).HasMaxLength(UserNameMaxLength).IsRequired();
        builder.Property(e => e.Action).HasMaxLength(ActionMaxLength).IsRequired();
        builder.Property(e => e.TargetUserId).HasMaxLength(SessionConfiguration.UserIdMaxLength).IsRequired();
        builder.Property(e => e.TargetUserName).HasMaxLength(UserNameMaxLength).IsRequired();
        builder.Property(e => e.Detail).HasMaxLength(DetailMaxLength);

        // The detail view reads one user's entries, newest first.
        builder.HasIndex(e => new { e.TargetUserId, e.At });
    }
}
