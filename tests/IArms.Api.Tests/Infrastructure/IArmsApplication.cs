using System.Net.Http.Json;
using IArms.Api.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IArms.Api.Tests.Infrastructure;

/// <summary>
/// The real service over real HTTP (TestServer) on a real SQLite file of its own, with a clock the
/// tests can move. One per test fixture.
/// </summary>
public sealed class IArmsApplication : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-bootstrap-admin-key-0001";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "iarms-tests", Guid.NewGuid().ToString("N"));
    private readonly DatabaseProvider _provider;
    private readonly string? _connectionString;
    private readonly string? _readOnlyConnectionString;

    /// <param name="readOnlyConnectionString">
    /// <c>ConnectionStrings:IArmsReadOnly</c>, the readable secondary; none by default, so that reads go to the primary.
    /// </param>
    public IArmsApplication(DatabaseProvider provider = DatabaseProvider.Sqlite, string? connectionString = null, string? readOnlyConnectionString = null)
    {
        _provider = provider;
        _connectionString = connectionString;
        _readOnlyConnectionString = readOnlyConnectionString;
        Directory.CreateDirectory(_folder);
    }

    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    public string DatabasePath => Path.Combine(_folder, "iarms.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", _provider.ToString());
        builder.UseSetting("ConnectionStrings:IArms", _connectionString ?? $"Data Source={DatabasePath}");
        builder.UseSetting("IArms:BootstrapAdminKey", AdminKey);
        if (_readOnlyConnectionString is not null)
        {
            builder.UseSetting("ConnectionStrings:IArmsReadOnly", _readOnlyConnectionString);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        return client;
    }

    public HttpClient Admin() => ClientWithKey(AdminKey);

    /// <summary>Registers an agency and returns a client holding a new key with the given roles.</summary>
    public async Task<HttpClient> AgencyAsync(string code, string countryCode, params string[] roles)
    {
        using var admin = Admin();
        var created = await admin.PostAsJsonAsync("/api/v1/agencies", new { code, name = $"Agency {code}", countryCode });
        if (created.StatusCode is not (System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict))
        {
            Assert.Fail($"Creating agency {code}: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        var key = await admin.PostAsJsonAsync($"/api/v1/agencies/{code}/api-keys", new { roles, label = "test" });
        Assert.That(key.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.Created), await key.Content.ReadAsStringAsync());
        var body = await key.Content.ReadFromJsonAsync<KeyBody>();
        return ClientWithKey(body!.Key);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is removed with the temp folder later; the test result stands.
            }
        }
    }

    private sealed record KeyBody(long Id, string Key);
}

/// <summary>A clock the tests set and move.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public DateTimeOffset Now
    {
        get => _now;
        set => _now = value;
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
