using JwtMvc.Core.Accounts;
using JwtMvc.Core.Admin;
using JwtMvc.Core.Auth;
using JwtMvc.Core.Auth.TwoFactor;
using JwtMvc.Core.Email;
using JwtMvc.Data.Email;
using JwtMvc.Core.Cluster;
using JwtMvc.Core.Auth.Keys;
using JwtMvc.Core.Auth.Passkeys;
using JwtMvc.Core.Orders;
using JwtMvc.Core.Security;
using JwtMvc.Core.Uploads;
using JwtMvc.Data.Protection;
using JwtMvc.Data.Providers;
using JwtMvc.Data.Seeding;
using JwtMvc.Data.Stores;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace JwtMvc.Data;

public static class DependencyInjection
{
    public const string ApplicationName = "JwtMvc";

    /// <summary>
    /// Registers the database (<c>Database:Provider</c>, <c>ConnectionStrings:Default</c>), Identity over it,
    /// the Data Protection key ring in it (<c>DataProtection:*</c>), the signing-key store, its health check, and Core's <see cref="ISessionStore"/>,
    /// <see cref="IUserDirectory"/>, <see cref="IUserReader"/>, <see cref="IOrderRepository"/>, <see cref="IProductCatalogue"/>, <see cref="IUserAdministration"/>,
    /// <see cref="IAuditLog"/>, <see cref="IStoredFileRepository"/> and the folder behind <see cref="IFileStore"/>. Resolve <see cref="AppDbContext"/>; call
    /// <see cref="DatabasePreparation.PrepareDatabaseAsync"/> after building the host.
    /// </summary>
    public static IServiceCollection AddJwtMvcData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => Enum.IsDefined(o.Provider), "Database:Provider must be Sqlite or SqlServer.")
            .Validate(
                o => o.Provider != DatabaseProvider.SqlServer || !string.IsNullOrWhiteSpace(ConnectionString(configuration)),
                $"ConnectionStrings:{DatabaseOptions.ConnectionStringName} must be set to a SQL Server connection string when Database:Provider is SqlServer.")
            .ValidateOnStart();
        services.AddOptions<SeedOptions>()
            .Bind(configuration.GetSection(SeedOptions.Section))
            .Validate(
                o => o.Users.TrueForAll(u => !string.IsNullOrWhiteSpace(u.UserName) && !string.IsNullOrEmpty(u.Password)),
                "Every Seed:Users entry needs a UserName and a Password.")
            .ValidateOnStart();

        AddDbContext(services, configuration);

        services.AddIdentityCore<AppUser>(options =>
            {
                IdentitySchema.Configure(options);
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
                options.Lockout.AllowedForNewUsers = true;
                options.User.RequireUniqueEmail = true;
                options.Tokens.EmailConfirmationTokenProvider = AccountCodeTokenProvider.Name;
                options.Tokens.PasswordResetTokenProvider = AccountCodeTokenProvider.Name;
                options.Tokens.ChangeEmailTokenProvider = AccountCodeTokenProvider.Name;
            })
            .AddRoles<IdentityRole>()
            .AddUserManager<AppUserManager>()
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<AccountCodeTokenProvider>(AccountCodeTokenProvider.Name);
        services.Configure<IdentityOptions>(options => options.SignIn.RequireConfirmedEmail =
            configuration.GetValue<bool>(AccountEmailOptions.Section + ":" + nameof(AccountEmailOptions.RequireConfirmedEmail)));

        services.AddJwtMvcDataProtection(configuration, ApplicationName);
        services.AddSingleton<IPrivateKeyProtector, DataProtectionKeyProtector>();
        services.AddScoped<ISigningKeyStore, SigningKeyStore>();

        services.AddHealthChecks().AddDbContextCheck<AppDbContext>("database");

        services.AddScoped<ISessionStore, SessionStore>();
        services.AddScoped<IUserDirectory, UserDirectory>();
        services.AddScoped<ITwoFactorStore, TwoFactorStore>();
        services.AddScoped<IAuthChallengeStore, AuthChallengeStore>();
        services.TryAddScoped<IPasskeyHandler<AppUser>, PasskeyHandler<AppUser>>();
        services.AddScoped<IPasskeyStore, PasskeyStore>();
        services.AddScoped<IUserAdministration, UserAdministration>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<ISecurityEventStore, SecurityEventStore>();
        services.AddHostedService<SecurityEventSweepService>();
        services.AddHostedService<SessionSweepService>();
        services.AddScoped<IStoredFileRepository, StoredFileStore>();
        services.AddSingleton<LocalFolderFileStore>();
        services.AddSingleton<IFileStore>(provider => provider.GetRequiredService<LocalFolderFileStore>());
        services.AddScoped<UploadStoreSweeper>();
        services.AddHostedService<UploadStoreSweepService>();
        services.AddScoped<IOrderRepository, OrderRepository>();
        services.AddScoped<IProductCatalogue, ProductCatalogue>();
        services.AddScoped<IMailOutbox, MailOutbox>();
        services.AddHostedService<MailLimitSweepService>();
        services.AddScoped<IUserAccounts, UserAccounts>();
        services.AddScoped<IUserReader, UserReader>();
        services.AddSingleton<UserRecordCache>();
        services.AddSingleton<IUserRecordCache>(provider => provider.GetRequiredService<UserRecordCache>());
        services.TryAddSingleton<ICacheInvalidation, InProcessCacheInvalidation>(); // AddJwtMvcCore registers the same
        services.AddSingleton<UserChangeBroadcast>();
        services.AddSingleton<IUserChangeNotifier>(provider => provider.GetRequiredService<UserChangeBroadcast>());
        services.AddHostedService(provider => provider.GetRequiredService<UserChangeBroadcast>());
        services.AddScoped<DevelopmentSeeder>();
        return services;
    }

    private static void AddDbContext(IServiceCollection services, IConfiguration configuration)
    {
        // The provider picks the context type, so it is read now; the connection string is read when the first
        // context is built, which sees settings a test host adds after this call.
        var provider = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                // Pooled: every request uses a context, and a pooled one skips EF's per-instance set-up (docs/PERFORMANCE.md).
                services.AddDbContextPool<AppDbContext, SqliteAppDbContext>(
                    (serviceProvider, options) => options
                        .UseSqlite(SqliteConnectionStrings.Resolve(
                            ConnectionString(configuration) ?? DatabaseOptions.DefaultSqliteConnectionString,
                            ContentRoot(serviceProvider)))
                        .AddInterceptors(SqliteConnectionSettings.Instance));
                services.AddSingleton<SqliteRotationWriter>();
                services.AddSingleton<SqliteTokenReader>();
                services.AddHostedService<SqliteCheckpointer>();
                break;
            case DatabaseProvider.SqlServer:
                services.AddDbContext<AppDbContext, SqlServerAppDbContext>(
                    (_, options) => options.UseSqlServer(
                        ConnectionString(configuration)
                        ?? throw new InvalidOperationException($"ConnectionStrings:{DatabaseOptions.ConnectionStringName} is required when Database:Provider is SqlServer.")),
                    ServiceLifetime.Scoped,
                    ServiceLifetime.Singleton);
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{provider}' is not supported; use Sqlite or SqlServer.");
        }
    }

    private static string? ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(DatabaseOptions.ConnectionStringName) is { Length: > 0 } value ? value : null;

    private static string ContentRoot(IServiceProvider serviceProvider) =>
        serviceProvider.GetService<IHostEnvironment>()?.ContentRootPath ?? Directory.GetCurrentDirectory();
}
