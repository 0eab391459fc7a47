using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class TotpTimeStepConfiguration : IEntityTypeConfiguration<TotpTimeStep>
{
    public void Configure(EntityTypeBuilder<TotpTimeStep> builder)
    {
        builder.ToTable("TotpTimeSteps");
        builder.HasKey(t => t.UserId);
        builder.Property(t => t.UserId).HasMaxLength(SessionConfiguration.UserIdMaxLength);
        builder.HasOne<AppUser>()
            .WithMany()
            .HasForeignKey(t => t.UserId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
