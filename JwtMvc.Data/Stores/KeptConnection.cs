using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Data.Stores;

/// <summary>
/// A context of its own scope whose connection stays open until this is disposed: for the SQLite paths that keep
/// statements prepared on one connection. Opened through EF, so the connection carries the app's SQLite settings.
/// </summary>
internal sealed class KeptConnection : IAsyncDisposable
{
    private readonly AsyncServiceScope scope;

    private KeptConnection(AsyncServiceScope scope, AppDbContext db)
    {
        this.scope = scope;
        Db = db;
    }

    public AppDbContext Db { get; }

    public static async Task<KeptConnection> OpenAsync(IServiceScopeFactory scopes)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await db.Database.OpenConnectionAsync();
            return new KeptConnection(scope, db);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => scope.DisposeAsync();
}
