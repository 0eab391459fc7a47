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

/// <summary>One app in key-ring mode (no <c>Jwt:SigningKey</c>): ES256 keys in its database.</summary>
public abstract class KeyRingAppFixture : AppFixture
{
    protected override JwtMvcFactory CreateFactory() => new() { SigningKey = null };
}

/// <summary>Two app instances on one database, one signing key and one clock: the multi-instance setup.</summary>
public abstract class TwoInstanceFixture
{
    /// <summary>Override to start the first instance with other settings; the second shares its key, database and clock.</summary>
    protected virtual JwtMvcFactory CreateFirst() => new();

    protected JwtMvcFactory First { get; private set; } = null!;

    protected JwtMvcFactory Second { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartApps()
    {
        First = CreateFirst();
        Second = new JwtMvcFactory(databasePath: First.DatabasePath) { SigningKey = First.SigningKey, Clock = First.Clock };
    }

    [OneTimeTearDown]
    public void StopApps()
    {
        Second.Dispose();
        First.Dispose();
    }
}
