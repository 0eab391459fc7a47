using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Data;

/// <summary>
/// The Identity store settings that shape the database model. Identity's context reads them from the context's
/// application service provider while it builds the model, so the app and <c>dotnet ef</c> must both get them from here,
/// or the migrations and the running model disagree.
/// </summary>
internal static class IdentitySchema
{
    /// <summary>Version 3 adds the passkey table (AspNetUserPasskeys).</summary>
    public static void Configure(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
    }

    /// <summary>Services that carry nothing but these settings: the application service provider of a design-time context.</summary>
    public static IServiceProvider DesignTimeServices() =>
        new ServiceCollection().Configure<IdentityOptions>(Configure).BuildServiceProvider();
}
