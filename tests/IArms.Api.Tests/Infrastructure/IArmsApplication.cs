using Microsoft.Extensions.Configuration;
using System.Net.Http.Json;
using IArms.Api.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace IArms.Api.Tests.Infrastructure;

/// <summary>
/// The real service over real HTTP (TestServer) on a database of its own, with a clock the tests can move. One per
/// test fixture. The database is a SQLite file, or, when <c>IARMS_TEST_SQLSERVER</c> holds a connection string (and
/// the fixture did not ask for SQLite), a database created for the fixture on that server by the <c>migrate</c>
/// path and dropped afterwards.
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
    /// <param name="provider">The engine; by default SQL Server when <c>IARMS_TEST_SQLSERVER</c> is set, SQLite otherwise.</param>
    /// <param name="connectionString">A SQLite connection string, or the SQL Server to create the fixture's database on.</param>
    public IArmsApplication(DatabaseProvider? provider = null, string? connectionString = null, string? readOnlyConnectionString = null)
    {
        _provider = provider ?? (SqlServerDatabase.Server is null ? DatabaseProvider.Sqlite : DatabaseProvider.SqlServer);
        _readOnlyConnectionString = readOnlyConnectionString;
        Directory.CreateDirectory(_folder);
        if (_provider == DatabaseProvider.SqlServer)
        {
            _sqlServer = SqlServerDatabase.Create(connectionString ?? SqlServerDatabase.Server
                ?? throw new InvalidOperationException("SQL Server tests need a connection string (IARMS_TEST_SQLSERVER)."));
            _connectionString = _sqlServer.ConnectionString;
        }
        else
        {
            _connectionString = connectionString;
        }
    }

    private readonly SqlServerDatabase? _sqlServer;

    public DatabaseProvider Provider => _provider;

    /// <summary>Configuration a fixture sets for its own host, applied after the defaults above.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Services a fixture adds or replaces for its own host (an exporter, a log capture), after the defaults.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

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
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>();
            TestServices?.Invoke(services);
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
            _sqlServer?.Drop();
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

    /// <summary>
    /// TestServer gives every request a null remote address; a test that needs clients at different
    /// addresses names one in <see cref="RemoteAddressHeader"/>.
    /// </summary>
    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (System.Net.IPAddress.TryParse(context.Request.Headers[RemoteAddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    /// <summary>A test-only header: the remote address the request appears to come from.</summary>
    public const string RemoteAddressHeader = "X-Test-Remote-Address";
}

/// <summary>A database of one fixture's own on the SQL Server named by <c>IARMS_TEST_SQLSERVER</c>.</summary>
public sealed class SqlServerDatabase
{
    /// <summary>The server the whole suite runs on, when set.</summary>
    public static string? Server =>
        Environment.GetEnvironmentVariable("IARMS_TEST_SQLSERVER") is { Length: > 0 } value ? value : null;

    private readonly string _name;

    private SqlServerDatabase(string connectionString, string name)
    {
        ConnectionString = connectionString;
        _name = name;
    }

    public string ConnectionString { get; }

    /// <summary>Creates and migrates a fresh database the way an operator does: the <c>migrate</c> command's path.</summary>
    public static SqlServerDatabase Create(string server)
    {
        var name = "iarms_test_" + Guid.NewGuid().ToString("N");
        var connectionString = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(server) { InitialCatalog = name }.ConnectionString;
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:IArms"] = connectionString })
            .Build();
        using var db = new Db(Microsoft.Extensions.Options.Options.Create(new DatabaseOptions { Provider = DatabaseProvider.SqlServer }), configuration);
        new Migrator(db, Microsoft.Extensions.Logging.Abstractions.NullLogger<Migrator>.Instance).Migrate(createDatabase: true);
        return new SqlServerDatabase(connectionString, name);
    }

    /// <summary>Drops the database; a failure is left for the server's operator (the test result stands).</summary>
    public void Drop()
    {
        Microsoft.Data.SqlClient.SqlConnection.ClearAllPools();
        var master = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(ConnectionString) { InitialCatalog = "master" }.ConnectionString;
        try
        {
            using var connection = new Microsoft.Data.SqlClient.SqlConnection(master);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP DATABASE [{_name}]";
            command.ExecuteNonQuery();
        }
        catch (Microsoft.Data.SqlClient.SqlException e)
        {
            TestContext.Progress.WriteLine($"Could not drop test database {_name}: {e.Message}");
        }
    }
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
