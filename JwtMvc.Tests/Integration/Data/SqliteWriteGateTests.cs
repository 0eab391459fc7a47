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
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var other = Task.Run(async () =>
        {
            await go.Task;
            await using var otherScope = data.NewScope();
            using var entered = await SqliteWriteGate.EnterAsync(otherScope.ServiceProvider.GetRequiredService<AppDbContext>(), CancellationToken.None);
        });

        using (await SqliteWriteGate.EnterAsync(db, CancellationToken.None))
        {
            go.SetResult();
            await Task.Delay(200);
            Assert.That(other.IsCompleted, Is.False, "another flow waits while this one holds the gate");
        }

        await other.WaitAsync(TimeSpan.FromSeconds(10));
        using var again = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);
        Assert.Pass("the flow that released the gate enters it again");
    }
}
