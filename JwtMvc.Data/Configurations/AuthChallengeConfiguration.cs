using JwtMvc.Core.Auth.TwoFactor;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class AuthChallengeConfiguration : IEntityTypeConfiguration<AuthChallenge>
{
    public const int KindMaxLength = 32;

    public void Configure(EntityTypeBuilder<AuthChallenge> builder)
    {
        builder.ToTable("AuthChallenges");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.HandleHash).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Kind).HasMaxLength(KindMaxLength).IsRequired();
        builder.Property(c => c.UserId).HasMaxLength(SessionConfiguration.UserIdMaxLength);
        builder.HasIndex(c => c.HandleHash).IsUnique();
        builder.HasIndex(c => c.ExpiresAt);

        builder.HasOne<AppUser>()
            .WithMany()
            .HasForeignKey(c => c.UserId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
