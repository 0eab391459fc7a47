using JwtMvc.Core.Auth;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class RefreshTokenConfiguration : IEntityTypeConfiguration<RefreshToken>
{
    /// <summary>Lower-case hex of a SHA-256 hash.</summary>
    public const int TokenHashLength = 64;

    public void Configure(EntityTypeBuilder<RefreshToken> builder)
    {
        builder.ToTable("RefreshTokens");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();

        builder.Property(t => t.TokenHash).HasMaxLength(TokenHashLength).IsUnicode(false).IsRequired();
        builder.Property(t => t.ReplacedByHash).HasMaxLength(TokenHashLength).IsUnicode(false);
        builder.Property(t => t.SealedReplacement).HasMaxLength(RefreshToken.SealedReplacementLength);
        builder.Property(t => t.UserId).HasMaxLength(SessionConfiguration.UserIdMaxLength).IsRequired();
        builder.Property(t => t.IpAddress).HasMaxLength(SessionConfiguration.IpAddressMaxLength);
        builder.Property(t => t.UserAgent).HasMaxLength(SessionConfiguration.UserAgentMaxLength);

        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.SessionId);
        // No index on ReplacedByHash: a rotation finds the predecessor whose sealed copy it forgets by ReplacesId, the
        // primary key, instead of inserting into a third random-keyed index.

        // No foreign key from UserId to the user: the session already cascades from the user, and a second
        // cascade path is refused by SQL Server.
        builder.HasOne<Session>()
            .WithMany()
            .HasForeignKey(t => t.SessionId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
