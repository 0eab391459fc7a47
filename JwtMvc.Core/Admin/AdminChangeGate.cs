using JwtMvc.Core.Concurrency;

namespace JwtMvc.Core.Admin;

/// <summary>
/// Serialises, within this instance, the admin actions that can take an admin away (demote, lock, delete), so
/// that the last-admin check and the change it guards never interleave with another such action: two admins
/// demoting each other at the same moment cannot both succeed. Across instances sharing a database,
/// <see cref="IUserAdministration"/> re-checks inside a database transaction that holds the database's lock and
/// throws <see cref="LastAdminException"/> (docs/ARCHITECTURE.md).
/// </summary>
public sealed class AdminChangeGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public Task<IDisposable> EnterAsync(CancellationToken cancellationToken) => gate.EnterAsync(cancellationToken);

    public void Dispose() => gate.Dispose();
}
