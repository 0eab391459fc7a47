using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

/// <summary>The two ways to wait on the SQLite write gate for ever are refused at once instead.</summary>
public sealed class SqliteWriteGateTests
{
    private DataServices data = null!;

    [SetUp]
    public async Task CreateDatabaseAsync()
    {
        data = DataServices.Create();
        await data.PrepareDatabaseAsync();
    }

    [TearDown]
    public async Task DeleteDatabaseAsync() => await data.DisposeAsync();

    [Test]
    public async Task Entering_the_gate_again_in_the_same_flow_throws_instead_of_waiting_for_itself()
    {
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        using var held = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);

        Assert.That(async () => await SqliteWriteGate.EnterAsync(db, CancellationToken.None), Throws.InvalidOperationException.With.Message.Contains("already holds"));
    }

    [Test]
    public async Task Entering_the_gate_with_a_transaction_open_throws_instead_of_holding_the_lock_the_gate_holder_waits_for()
    {
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        Assert.That(async () => await SqliteWriteGate.EnterAsync(db, CancellationToken.None), Throws.InvalidOperationException.With.Message.Contains("transaction is open"));
    }

    [Test]
    public async Task Another_flow_waits_for_the_gate_and_the_flow_that_released_it_enters_again()
    {
        await using var scope = data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        await using var otherScope = data.NewScope();
        var otherDb = otherScope.ServiceProvider.GetRequiredService<AppDbContext>();
        Task<SqliteWriteGate.Releaser> otherEntering;

        using (await SqliteWriteGate.EnterAsync(db, CancellationToken.None))
        {
            // Another flow (an execution context of its own) asks for the gate; its request is made before this line returns.
            var asked = new TaskCompletionSource<Task<SqliteWriteGate.Releaser>>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => asked.SetResult(SqliteWriteGate.EnterAsync(otherDb, CancellationToken.None).AsTask()));
            }

            otherEntering = await asked.Task;
            Assert.That(otherEntering.IsCompleted, Is.False, "another flow waits while this one holds the gate");
        }

        using (await otherEntering.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            // the other flow got the gate once this one released it
        }

        Assert.That(async () =>
        {
            using var again = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);
        }, Throws.Nothing, "the flow that released the gate enters it again");
    }
}
