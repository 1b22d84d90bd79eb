using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using IArms.Api.Audit;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IArms.Api.Tests.Audit;

/// <summary>The hash chain, its check and retention: each test on an application of its own, since tests tamper with the file.</summary>
public class AuditChainTests
{
    private static async Task<List<long>> WriteEntriesAsync(IArmsApplication app, int count)
    {
        using var admin = app.Admin();
        for (var i = 0; i < count; i++)
        {
            await (await admin.GetAsync($"/api/v1/agencies?limit={i % 200 + 1}")).ExpectAsync(HttpStatusCode.OK);
        }
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        return (await connection.QueryAsync<long>("SELECT id FROM audit_entry ORDER BY id")).ToList();
    }

    private static async Task<JsonNode> VerifyAsync(IArmsApplication app)
    {
        using var admin = app.Admin();
        return await (await admin.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
    }

    private static async Task TamperAsync(IArmsApplication app, string sql, object args)
    {
        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        Assert.That(await connection.ExecuteAsync(sql, args), Is.EqualTo(1));
    }

    [Test]
    public async Task AnUntouchedChainVerifiesAndTheVerificationIsAudited()
    {
        using var app = new IArmsApplication();
        var ids = await WriteEntriesAsync(app, 5);

        var result = await VerifyAsync(app);
        Assert.That((bool?)result["verified"], Is.True, result.ToJsonString());
        Assert.That((long?)result["entries"], Is.EqualTo(ids.Count));
        Assert.That((long?)result["firstEntryId"], Is.EqualTo(ids[0]));
        Assert.That(result["firstBrokenEntryId"], Is.Null);

        using var admin = app.Admin();
        var audited = await (await admin.GetAsync("/api/v1/audit?action=audit.verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(audited["items"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task EditingAFieldOfAnEntryInTheFileIsDetectedAtThatEntry()
    {
        using var app = new IArmsApplication();
        var ids = await WriteEntriesAsync(app, 5);
        await TamperAsync(app, "UPDATE audit_entry SET query = 'GET /api/v1/agencies?n=innocent' WHERE id = @id", new { id = ids[2] });

        var result = await VerifyAsync(app);
        Assert.That((bool?)result["verified"], Is.False);
        Assert.That((long?)result["firstBrokenEntryId"], Is.EqualTo(ids[2]));
        Assert.That((string?)result["reason"], Does.Contain("edited"));
    }

    [Test]
    public async Task DeletingAnEntryFromTheFileIsDetectedAtTheEntryAfterIt()
    {
        using var app = new IArmsApplication();
        var ids = await WriteEntriesAsync(app, 5);
        await TamperAsync(app, "DELETE FROM audit_entry WHERE id = @id", new { id = ids[1] });

        var result = await VerifyAsync(app);
        Assert.That((bool?)result["verified"], Is.False);
        Assert.That((long?)result["firstBrokenEntryId"], Is.EqualTo(ids[2]));
    }

    [Test]
    public async Task DeletingTheNewestEntryIsDetectedAgainstTheWritersHead()
    {
        using var app = new IArmsApplication();
        var ids = await WriteEntriesAsync(app, 3);
        await TamperAsync(app, "DELETE FROM audit_entry WHERE id = @id", new { id = ids[^1] });

        var result = await VerifyAsync(app);
        Assert.That((bool?)result["verified"], Is.False);
        Assert.That((long?)result["firstBrokenEntryId"], Is.EqualTo(ids[^1]));
    }

    [Test]
    public async Task OnlyTheCentralAgencysAuditorsAndAdminsVerifyTheChain()
    {
        using var app = new IArmsApplication();
        using var auditor = await app.AgencyAsync("FR-NCB", "FR", "audit", "admin");
        await (await auditor.GetAsync("/api/v1/audit/verify")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        using var admin = app.Admin();
        var issued = await (await admin.PostJsonAsync("/api/v1/agencies/HQ/api-keys", new { roles = new[] { "audit" }, label = "HQ auditor" }))
            .ExpectAsync(HttpStatusCode.Created);
        using var hqAuditor = app.ClientWithKey((string)issued["key"]!);
        Assert.That((bool?)(await (await hqAuditor.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK))["verified"], Is.True);

        var denied = await (await admin.GetAsync("/api/v1/audit?action=audit.verify&outcome=denied")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)denied["items"]![0]!["agency"], Is.EqualTo("FR-NCB"));
    }

    [Test]
    public async Task EntriesWrittenBeforeTheChainExistedAreChainedAtTheNextStart()
    {
        using var app = new IArmsApplication();
        var ids = await WriteEntriesAsync(app, 4);
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            // As migration 0021 leaves the entries written before it.
            await connection.ExecuteAsync("UPDATE audit_entry SET hash = NULL");
        }
        var log = app.Services.GetRequiredService<AuditLog>();
        await log.StopAsync(CancellationToken.None);
        using var restarted = app.WithWebHostBuilder(_ => { });
        using var admin = restarted.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", IArmsApplication.AdminKey);
        var result = await (await admin.GetAsync("/api/v1/audit/verify")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((bool?)result["verified"], Is.True, result.ToJsonString());
        Assert.That((long?)result["firstEntryId"], Is.EqualTo(ids[0]));
    }

    [Test]
    public async Task RetentionPurgesExpiredEntriesInBatchesAndTheChainStillVerifiesFromItsAnchor()
    {
        using var app = new IArmsApplication();
        var old = await WriteEntriesAsync(app, 5);
        app.Clock.Advance(TimeSpan.FromDays(AuditOptions.MinimumRetentionDays + 1));
        var kept = (await WriteEntriesAsync(app, 2)).Except(old).ToList();

        var purged = await app.Services.GetRequiredService<AuditRetention>().PurgeAsync(CancellationToken.None);
        Assert.That(purged, Is.EqualTo(old.Count));
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT MIN(id) FROM audit_entry"), Is.EqualTo(kept[0]));
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT last_entry_id FROM audit_anchor"), Is.EqualTo(old[^1]));
        }
        var result = await VerifyAsync(app);
        Assert.That((bool?)result["verified"], Is.True, result.ToJsonString());
        Assert.That((long?)result["anchorEntryId"], Is.EqualTo(old[^1]));
        Assert.That((long?)result["firstEntryId"], Is.EqualTo(kept[0]));
        Assert.That(await app.Services.GetRequiredService<AuditRetention>().PurgeAsync(CancellationToken.None), Is.Zero, "nothing more has expired");
    }

    [Test]
    public async Task RetentionStopsAtABrokenEntryAndKeepsItAsEvidence()
    {
        using var app = new IArmsApplication();
        var old = await WriteEntriesAsync(app, 4);
        await TamperAsync(app, "UPDATE audit_entry SET outcome = 'denied' WHERE id = @id", new { id = old[2] });
        app.Clock.Advance(TimeSpan.FromDays(400));

        Assert.That(await app.Services.GetRequiredService<AuditRetention>().PurgeAsync(CancellationToken.None), Is.Zero);
        var result = await VerifyAsync(app);
        Assert.That((long?)result["firstBrokenEntryId"], Is.EqualTo(old[2]));
    }

    [TestCase("100")]
    [TestCase("364")]
    public void ARetentionShorterThanAYearFailsAtStartUpNamingTheSetting(string days)
    {
        using var app = new IArmsApplication();
        using var configured = app.WithWebHostBuilder(b => b.UseSetting("Audit:RetentionDays", days));
        var error = Assert.Catch(() => configured.CreateClient());
        Assert.That(error!.ToString(), Does.Contain("Audit:RetentionDays"));
    }

    [Test]
    public async Task WhenTheAuditCannotBeWrittenReadsAndSearchesAre503AndAWriteSaysItWasMade()
    {
        using var app = new IArmsApplication();
        using var owner = await app.AgencyAsync("FR-NCB", "FR", "search", "record");
        var id = (long)(await (await owner.PostJsonAsync("/api/v1/firearms", Records.Firearm("DOWN 1"))).ExpectAsync(HttpStatusCode.Created))["id"]!;
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            await connection.ExecuteAsync("CREATE TRIGGER audit_down BEFORE INSERT ON audit_entry BEGIN SELECT RAISE(ABORT, 'audit down'); END;");
        }

        var read = await (await owner.GetAsync($"/api/v1/firearms/{id}")).ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.That((string?)read["detail"], Does.Contain("could not be audited"));
        await (await owner.PostJsonAsync("/api/v1/searches", new { serialNumber = "DOWN1", purpose = "seizure" })).ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        var write = await owner.PostJsonAsync("/api/v1/firearms", Records.Firearm("DOWN 2"));
        var problem = await write.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.That((string?)problem["detail"], Does.Contain("The change was made"));
        Assert.That(write.Headers.RetryAfter, Is.Not.Null);

        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            await connection.ExecuteAsync("DROP TRIGGER audit_down");
        }
        var list = await (await owner.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(list["items"]!.AsArray().Select(f => (string?)f!["serialNumber"]), Does.Contain("DOWN 2"), "the write committed before its audit failed");
        Assert.That((bool?)(await VerifyAsync(app))["verified"], Is.True, "failed audit writes leave the chain intact");
    }
}
