using JwtMvc.Core.Auth;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace JwtMvc.Data.Configurations;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public const int IpAddressMaxLength = 64;
    public const int UserAgentMaxLength = 512;
    public const int RevokedReasonMaxLength = 64;
    public const int AuthenticationMethodsMaxLength = 32;

    /// <summary>Identity's key length on SQL Server; a foreign key to a user must match it.</summary>
    public const int UserIdMaxLength = 450;

    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("Sessions");
        builder.HasKey(s => s.Id);

        // The token service picks the id: it is the sid of the access tokens issued before the row exists.
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.UserId).HasMaxLength(UserIdMaxLength).IsRequired();
        builder.Property(s => s.IpAddress).HasMaxLength(IpAddressMaxLength);
        builder.Property(s => s.UserAgent).HasMaxLength(UserAgentMaxLength);
        builder.Property(s => s.RevokedReason).HasMaxLength(RevokedReasonMaxLength);
        builder.Property(s => s.AuthenticationMethods).HasMaxLength(AuthenticationMethodsMaxLength).HasDefaultValue("pwd");

        // A user's active sessions are found in the index alone: every sign-in counts them (the session limit), and a
        // user's ended sessions, kept for Jwt:EndedSessionRetentionDays, would otherwise each cost a row lookup.
        builder.HasIndex(s => new { s.UserId, s.RevokedAt, s.ExpiresAt });

        // The sweep of ended sessions finds them by either end (SessionStore.EndedBefore): one index each, which SQLite
        // and SQL Server combine for the OR, instead of reading every session for every batch.
        builder.HasIndex(s => s.ExpiresAt);
        builder.HasIndex(s => s.RevokedAt);

        // Deleting a user deletes their sessions, and through them their refresh tokens.
        builder.HasOne<AppUser>()
            .WithMany()
            .HasForeignKey(s => s.UserId)
            .OnDelete(DeleteBehavior.Cascade);
    }
}
