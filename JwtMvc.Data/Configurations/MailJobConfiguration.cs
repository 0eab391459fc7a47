using JwtMvc.Core.Email;
using JwtMvc.Data.Email;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

/// <summary>The mail outbox. No foreign key to the users: a job for an unknown address has no user.</summary>
internal sealed class MailJobConfiguration : IEntityTypeConfiguration<MailJob>
{
    public const int KindMaxLength = 32;
    public const int AddressMaxLength = 256;
    public const int LastErrorMaxLength = 1000;
    public const int StampHashLength = 64;

    public void Configure(EntityTypeBuilder<MailJob> builder)
    {
        builder.ToTable("MailJobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.Kind).HasMaxLength(KindMaxLength).IsRequired();
        builder.Property(j => j.UserId).HasMaxLength(SessionConfiguration.UserIdMaxLength);
        builder.Property(j => j.Address).HasMaxLength(AddressMaxLength).IsRequired();
        builder.Property(j => j.LastError).HasMaxLength(LastErrorMaxLength);
        builder.Property(j => j.UserStampHash).HasMaxLength(StampHashLength);

        // Delivery looks for what is due.
        builder.HasIndex(j => j.NextAttemptAt);
    }
}

/// <summary>The last mail per address, for <c>Email:MinSecondsBetweenMails</c>.</summary>
internal sealed class MailThrottleConfiguration : IEntityTypeConfiguration<MailThrottle>
{
    public void Configure(EntityTypeBuilder<MailThrottle> builder)
    {
        builder.ToTable("MailThrottles");
        builder.HasKey(t => t.NormalizedAddress);
        builder.Property(t => t.NormalizedAddress).HasMaxLength(MailJobConfiguration.AddressMaxLength);
    }
}
