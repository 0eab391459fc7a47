using JwtMvc.Data;
using JwtMvc.Data.Stores;
using JwtMvc.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace JwtMvc.Tests.Integration.Data;

public sealed class WriteTransactionsTests : SharedDatabaseFixture
{
    [TestCase(true)]
    [TestCase(false)]
    public async Task The_work_is_committed_only_when_commit_if_holds_of_its_result(bool commit)
    {
        // Arrange
        var userId = await Data.CreateUserAsync();
        await using var scope = Data.NewScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();

        // Act: the work writes, then answers whether it is done.
        var answered = await db.InWriteTransactionAsync(
            async ct =>
            {
                await db.TotpTimeSteps.Where(t => t.UserId == "none").ExecuteDeleteAsync(ct); // a statement before the write
                db.TotpTimeSteps.Add(new TotpTimeStep { UserId = userId, LastAccepted = 42 });
                await db.SaveChangesAsync(ct);
                return commit;
            },
            CancellationToken.None,
            commitIf: done => done);

        // Assert
        await using var check = Data.NewScope();
        var stored = await check.ServiceProvider.GetRequiredService<AppDbContext>().TotpTimeSteps.AnyAsync(t => t.UserId == userId);
        Assert.That(answered, Is.EqualTo(commit));
        Assert.That(stored, Is.EqualTo(commit), commit ? "committed" : "rolled back");
    }
}
