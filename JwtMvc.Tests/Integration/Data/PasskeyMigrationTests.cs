using JwtMvc.Data;
using JwtMvc.Tests.Support;

using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>The Passkeys migration: Identity schema version 3 on both providers, and a SQL Server script that can run.</summary>
public sealed class PasskeyMigrationTests
{
    [Test]
    public async Task The_running_model_has_identitys_passkey_table_as_the_migrations_do()
    {
        await using var data = DataServices.Create();
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        var passkeys = db.Model.FindEntityType(typeof(IdentityUserPasskey<string>));

        Assert.That(passkeys?.GetTableName(), Is.EqualTo("AspNetUserPasskeys"), "schema version 3 reaches the app's model");
        Assert.That(db.Database.GetMigrations(), Has.Some.EndsWith("_Passkeys"));
    }

    [Test]
    public async Task On_sql_server_the_identity_keys_are_dropped_before_their_columns_shrink_and_put_back_after()
    {
        await using var data = DataServices.CreateWithoutSqlServer();
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var migrations = db.Database.GetMigrations().ToList();
        var passkeys = migrations.Single(m => m.EndsWith("_Passkeys", StringComparison.Ordinal));

        var script = db.GetService<IMigrator>().GenerateScript(migrations[migrations.IndexOf(passkeys) - 1], passkeys);

        // SQL Server refuses ALTER COLUMN on a column a primary key uses (error 5074).
        foreach (var (table, column) in new[] { ("AspNetUserTokens", "Name"), ("AspNetUserLogins", "ProviderKey") })
        {
            var drop = script.IndexOf($"ALTER TABLE [{table}] DROP CONSTRAINT [PK_{table}]", StringComparison.Ordinal);
            var alter = script.IndexOf($"ALTER TABLE [{table}] ALTER COLUMN [{column}] nvarchar(128)", StringComparison.Ordinal);
            var add = script.IndexOf($"ALTER TABLE [{table}] ADD CONSTRAINT [PK_{table}] PRIMARY KEY", StringComparison.Ordinal);
            Assert.That(drop, Is.GreaterThanOrEqualTo(0), $"{table}: the key is dropped");
            Assert.That(alter, Is.GreaterThan(drop), $"{table}: before the column shrinks");
            Assert.That(add, Is.GreaterThan(alter), $"{table}: and put back after");
        }

        Assert.That(script, Does.Contain("CREATE TABLE [AspNetUserPasskeys]").And.Contain("CREATE TABLE [PasskeyLastUses]"));
    }
}
