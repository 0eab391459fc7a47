namespace JwtMvc.Tests.Support;

/// <summary>A fixture whose tests share one migrated SQLite database of its own (<see cref="DataServices"/>).</summary>
public abstract class SharedDatabaseFixture
{
    private protected DataServices Data { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        Data = DataServices.Create();
        await Data.PrepareDatabaseAsync();
    }

    [OneTimeTearDown]
    public async Task DeleteDatabase() => await Data.DisposeAsync();
}
