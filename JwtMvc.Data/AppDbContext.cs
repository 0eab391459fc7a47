using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Email;
using JwtMvc.Data.Email;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Core.Orders;
using JwtMvc.Core.Security;
using JwtMvc.Core.Uploads;

using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace JwtMvc.Data;

/// <summary>
/// Identity, sessions with their refresh tokens, the admin audit trail, the Data Protection key ring, the JWT
/// signing keys, the product catalogue with its orders, uploaded files' metadata, and the mail outbox. Each database provider
/// has a derived context (<see cref="Providers.SqliteAppDbContext"/>, <see cref="Providers.SqlServerAppDbContext"/>)
/// that owns that provider's migrations; resolve this type, never the derived ones.
/// </summary>
public abstract class AppDbContext : IdentityDbContext<AppUser, IdentityRole, string>, IDataProtectionKeyContext
{
    protected AppDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<SigningKeyRecord> SigningKeys => Set<SigningKeyRecord>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<StoredFile> StoredFiles => Set<StoredFile>();

    public DbSet<AuthChallenge> AuthChallenges => Set<AuthChallenge>();

    public DbSet<TotpTimeStep> TotpTimeSteps => Set<TotpTimeStep>();

    public DbSet<PasskeyLastUse> PasskeyLastUses => Set<PasskeyLastUse>();
    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();

    public DbSet<MailJob> MailJobs => Set<MailJob>();

    internal DbSet<MailThrottle> MailThrottles => Set<MailThrottle>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }
}
