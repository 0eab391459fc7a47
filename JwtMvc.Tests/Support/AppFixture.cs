namespace JwtMvc.Tests.Support;

/// <summary>One running app per test fixture: fixtures that share a database and a clock between their tests.</summary>
public abstract class AppFixture
{
    protected JwtMvcFactory Factory { get; private set; } = null!;

    /// <summary>Override to start the app with other settings.</summary>
    protected virtual JwtMvcFactory CreateFactory() => new();

    [OneTimeSetUp]
    public void StartApp() => Factory = CreateFactory();

    [OneTimeTearDown]
    public void StopApp() => Factory.Dispose();
}

/// <summary>Two app instances on one database, one signing key and one clock: the multi-instance setup.</summary>
public abstract class TwoInstanceFixture
{
    protected JwtMvcFactory First { get; private set; } = null!;

    protected JwtMvcFactory Second { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartApps()
    {
        First = new JwtMvcFactory();
        Second = new JwtMvcFactory(databasePath: First.DatabasePath) { SigningKey = First.SigningKey, Clock = First.Clock };
    }

    [OneTimeTearDown]
    public void StopApps()
    {
        Second.Dispose();
        First.Dispose();
    }
}
