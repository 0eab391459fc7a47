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
