namespace IArms.Api.Tests.Infrastructure;

/// <summary>
/// A test fixture with one application of its own (and so one SQLite file), created before the
/// fixture's own set-up and disposed after its tests, together with every client it created.
/// </summary>
public abstract class ApiFixture
{
    protected IArmsApplication App { get; private set; } = null!;

    /// <summary>Configuration of this fixture's host (a limit raised or lowered, a setting under test).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    [OneTimeSetUp]
    public void CreateApplication() => App = new IArmsApplication { Settings = Settings };

    [OneTimeTearDown]
    public void DisposeApplication() => App.Dispose();
}
