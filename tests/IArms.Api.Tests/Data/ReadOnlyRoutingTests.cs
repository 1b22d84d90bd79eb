using System.Net;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Data;

/// <summary>
/// With <c>ConnectionStrings:IArmsReadOnly</c> set, reads that may lag go to the secondary and reads that must see
/// the caller's own writes go to the primary. Here the "secondary" is another SQLite file, migrated but holding
/// none of the primary's agencies or records, so each route shows which database it read.
/// </summary>
public class ReadOnlyRoutingTests
{
    private string _replicaFolder = null!;
    private IArmsApplication _app = null!;

    [OneTimeSetUp]
    public async Task StartWithAStaleReplica()
    {
        // A database of its own, migrated and bootstrapped by a first application, then left behind as the replica.
        _replicaFolder = Path.Combine(Path.GetTempPath(), "iarms-tests", "replica-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_replicaFolder);
        var replica = Path.Combine(_replicaFolder, "replica.db");
        using (var seed = new IArmsApplication(DatabaseProvider.Sqlite, connectionString: $"Data Source={replica}"))
        {
            using var admin = seed.Admin();
            await (await admin.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        }
        _app = new IArmsApplication(DatabaseProvider.Sqlite, readOnlyConnectionString: $"Data Source={replica}");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_replicaFolder, recursive: true);
        }
        catch (IOException)
        {
            // Removed with the temp folder later.
        }
    }

    [Test]
    public async Task TheTraceReportReadsThePrimaryRightAfterACustodyEventWhileListsReadTheSecondary()
    {
        using var owner = await _app.AgencyAsync("RO-OWNER", "AT", "record", "search");
        var id = await RecordAsync(owner);

        var added = await AddAsync(owner, id, Ev("manufactured", "2015-01-10", null, P("Glock GmbH", "manufacturer", "AT"), "AT"));
        var report = await TraceAsync(owner, id);
        Assert.That(report["chain"]!.AsArray().Select(e => (long)e!["id"]!), Is.EqualTo(new[] { added }),
            "the report must show the event just written, so it reads the primary");
        await (await owner.GetAsync($"/api/v1/firearms/{id}")).ExpectAsync(HttpStatusCode.OK);

        // The agency directory reads the secondary, which has never heard of the agency or its record.
        var agencies = (await (await owner.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That(agencies.AsArray().Select(a => (string?)a!["code"]), Does.Not.Contain("RO-OWNER"));
        var search = await (await owner.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB 123-456", purpose = "investigation" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.That(search["results"]!.AsArray(), Is.Empty, "searches read the secondary");
    }
}
