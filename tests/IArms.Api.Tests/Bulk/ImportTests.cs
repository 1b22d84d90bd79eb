using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using IArms.Api.Bulk;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Bulk;

/// <summary>Helpers shared by the import fixtures: upload a file, wait for its job.</summary>
internal static class Imports
{
    public const string Url = "/api/v1/imports";

    public static async Task<(HttpResponseMessage Response, long Id)> UploadAsync(HttpClient client, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        var response = await client.PostAsync(Url, content);
        var job = await response.ExpectAsync(HttpStatusCode.Accepted);
        return (response, (long)job["id"]!);
    }

    public static async Task<JsonNode> FinishedAsync(HttpClient client, long id)
    {
        for (var i = 0; i < 600; i++)
        {
            var job = await (await client.GetAsync($"{Url}/{id}")).ExpectAsync(HttpStatusCode.OK);
            if ((string?)job["status"] is "succeeded" or "failed" or "cancelled")
            {
                return job;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"Import {id} did not finish.");
        return null!;
    }

    public static async Task<JsonArray> ErrorsAsync(HttpClient client, long id) =>
        (await (await client.GetAsync($"{Url}/{id}/errors?limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();

    public static string Json(object record) => JsonSerializer.Serialize(record, JsonSerializerOptions.Web);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static long Count(JsonNode job, string name) => (long)job[name]!;
}

public class ImportTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _other = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("NL-KLPD", "NL", "record", "search");
        _other = await App.AgencyAsync("BE-FPP", "BE", "record", "search");
    }

    private async Task<JsonNode?> ByExternalIdAsync(string externalId)
    {
        var page = await (await _owner.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().SingleOrDefault(i => (string?)i!["externalId"] == externalId);
    }

    [Test]
    public async Task AnNdjsonFileIsAcceptedAs202AndItsRowsAreCreatedThenUnchangedOnASecondUpload()
    {
        var a = Firearm("IMP 100 AA");
        var b = Firearm("IMP 200 BB");
        var file = Imports.Utf8($"{Imports.Json(a)}\n\n{Imports.Json(b)}\r\n");

        var (response, id) = await Imports.UploadAsync(_owner, file, "application/x-ndjson");
        Assert.That(response.Headers.Location?.OriginalString, Is.EqualTo($"/api/v1/imports/{id}"));
        var job = await Imports.FinishedAsync(_owner, id);

        Assert.Multiple(() =>
        {
            Assert.That((string?)job["status"], Is.EqualTo("succeeded"));
            Assert.That((string?)job["format"], Is.EqualTo("ndjson"));
            Assert.That(Imports.Count(job, "rowsRead"), Is.EqualTo(2));
            Assert.That(Imports.Count(job, "created"), Is.EqualTo(2));
            Assert.That(Imports.Count(job, "rejected"), Is.EqualTo(0));
            Assert.That(job["startedAt"], Is.Not.Null);
            Assert.That(job["finishedAt"], Is.Not.Null);
        });
        Assert.That((string?)(await ByExternalIdAsync(a.ExternalId))!["normalizedSerial"], Is.EqualTo("IMP100AA"));

        var again = await Imports.FinishedAsync(_owner, (await Imports.UploadAsync(_owner, file, "application/x-ndjson")).Id);
        Assert.That((Imports.Count(again, "unchanged"), Imports.Count(again, "created")), Is.EqualTo((2L, 0L)));
    }

    [Test]
    public async Task AChangedRowReplacesTheRecordWithANewVersionAndTheLaterDuplicateWins()
    {
        var first = Firearm("DUP 300 CC");
        var created = await (await _owner.PostJsonAsync("/api/v1/firearms", first)).ExpectAsync(HttpStatusCode.Created);
        var later = first with { Status = "recovered", SerialNumber = "DUP 300 CD" };
        var file = Imports.Utf8($"{Imports.Json(first with { Status = "seized" })}\n{Imports.Json(later)}\n");

        var job = await Imports.FinishedAsync(_owner, (await Imports.UploadAsync(_owner, file, "application/x-ndjson")).Id);

        Assert.That((Imports.Count(job, "updated"), Imports.Count(job, "created")), Is.EqualTo((2L, 0L)));
        var record = (await ByExternalIdAsync(first.ExternalId))!;
        Assert.That((long)record["id"]!, Is.EqualTo((long)created["id"]!));
        Assert.That((string?)record["status"], Is.EqualTo("recovered"));
        var search = await (await _owner.PostJsonAsync("/api/v1/searches", new { serialNumber = "DUP300CD", purpose = "other" })).ExpectAsync(HttpStatusCode.OK);
        Assert.That(search["results"]!.AsArray().Select(r => (long)r!["firearm"]!["id"]!), Does.Contain((long)created["id"]!));
    }

    private static readonly IArms.Api.Data.Sql CountOrphanKeys = new(
        "SELECT COUNT(*) FROM serial_key k WHERE NOT EXISTS (SELECT 1 FROM firearm_serial s WHERE s.id = k.serial_id)");

    [Test]
    public async Task ARecordCreatedThenReplacedInOneChunkKeepsOnlyTheLaterSerialsKeys()
    {
        // A chunk's new serial keys are inserted together at its end, sorted; a replace in the same chunk must still
        // find and remove the keys of the record's earlier row.
        var first = Firearm("ONE 410 EE");
        var later = first with { SerialNumber = "TWO 520 FF" };
        var file = Imports.Utf8($"{Imports.Json(Firearm("OTHER 630 GG"))}\n{Imports.Json(first)}\n{Imports.Json(later)}\n");

        var job = await Imports.FinishedAsync(_owner, (await Imports.UploadAsync(_owner, file, "application/x-ndjson")).Id);

        Assert.That((Imports.Count(job, "created"), Imports.Count(job, "updated")), Is.EqualTo((2L, 1L)));
        var id = (long)(await ByExternalIdAsync(first.ExternalId))!["id"]!;
        async Task<long[]> FoundAsync(string serial) =>
            [.. (await (await _owner.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, purpose = "other" })).ExpectAsync(HttpStatusCode.OK))
                ["results"]!.AsArray().Where(r => (string?)r!["match"] is "exact" or "normalized").Select(r => (long)r!["firearm"]!["id"]!)];
        Assert.That(await FoundAsync("TWO520FF"), Does.Contain(id));
        Assert.That(await FoundAsync("ONE410EE"), Does.Not.Contain(id));
        var db = App.Services.GetRequiredService<IArms.Api.Data.Db>();
        await using var session = await db.PrimaryAsync(CancellationToken.None);
        Assert.That(await session.QuerySingleAsync<long>(CountOrphanKeys), Is.EqualTo(0), "serial keys pointing at a removed serial");
    }

    [Test]
    public async Task BadNdjsonRowsGetExactErrorsWhileTheGoodRowsLand()
    {
        var good = Firearm("GOOD 400 DD");
        var lines = new List<byte[]>
        {
            Imports.Utf8(Imports.Json(good with { EventDate = "2026-13-45" })),
            Imports.Utf8(Imports.Json(good with { Status = "misplaced" })),
            new byte[] { 0x7B, 0xFF, 0xFE, 0x7D },
            Imports.Utf8("{ not json"),
            Imports.Utf8(Imports.Json(good)),
            Imports.Utf8(new string('x', ImportRowReader.MaxRowBytes + 10)),
        };
        var file = new MemoryStream();
        file.Write([0xEF, 0xBB, 0xBF]);
        foreach (var line in lines)
        {
            file.Write(line);
            file.WriteByte((byte)'\n');
        }

        var id = (await Imports.UploadAsync(_owner, file.ToArray(), "application/x-ndjson")).Id;
        var job = await Imports.FinishedAsync(_owner, id);
        var errors = await Imports.ErrorsAsync(_owner, id);

        Assert.Multiple(() =>
        {
            Assert.That((Imports.Count(job, "rowsRead"), Imports.Count(job, "created"), Imports.Count(job, "rejected")), Is.EqualTo((6L, 1L, 5L)));
            Assert.That(errors.Select(e => (long)e!["line"]!), Is.EqualTo(new long[] { 1, 2, 3, 4, 6 }));
            Assert.That(errors[0]!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "eventDate" }));
            Assert.That(errors[1]!["errors"]!["status"]![0]!.GetValue<string>(), Does.Contain("must be one of"));
            Assert.That((string?)errors[1]!["externalId"], Is.EqualTo(good.ExternalId));
            Assert.That(errors[2]!["errors"]!["row"]![0]!.GetValue<string>(), Is.EqualTo("The row is not valid UTF-8."));
            Assert.That(errors[3]!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "row" }));
            Assert.That(errors[4]!["errors"]!["row"]![0]!.GetValue<string>(), Does.Contain("longer than 1 MiB"));
        });
    }

    [Test]
    public async Task ACsvFileWithQuotingBomAndBadRowsIsReadByRfc4180()
    {
        var header = string.Join(',', ImportColumns.All);
        var id1 = "CSV-" + Guid.NewGuid().ToString("N")[..10];
        var id2 = "CSV-" + Guid.NewGuid().ToString("N")[..10];
        string Row(string externalId, string serial, string status = "stolen", string date = "2026-10-01", string notes = "") =>
            $"{externalId},{serial},slide:AB1;frame:AB2,Glock,17,9x19mm,pistol,AT,2015,,{status},{date},FR,Lyon,PJ-1,false,\"countries:NL,BE\",{notes}";
        var csv = "\uFEFF" + header + "\r\n"
            + Row(id1, "\"CSV, 500\"", notes: "\"Two lines\r\nand a \"\"quote\"\"\"") + "\r\n"
            + "\r\n"
            + Row("BAD-DATE", "CSV600", date: "01/10/2026") + "\r\n"
            + "only,three,fields\r\n"
            + Row("BAD-STATUS", "CSV700", status: "borrowed") + "\r\n"
            + Row(id2, "CSV800") + "\r\n"
            + "\"unterminated,quote\r\n";

        var id = (await Imports.UploadAsync(_owner, Imports.Utf8(csv), "text/csv; charset=utf-8")).Id;
        var job = await Imports.FinishedAsync(_owner, id);
        var errors = await Imports.ErrorsAsync(_owner, id);

        Assert.Multiple(() =>
        {
            Assert.That((string?)job["status"], Is.EqualTo("succeeded"));
            Assert.That((Imports.Count(job, "created"), Imports.Count(job, "rejected")), Is.EqualTo((2L, 4L)));
            Assert.That(errors.Select(e => (long)e!["line"]!), Is.EqualTo(new long[] { 5, 6, 7, 9 }));
            Assert.That(errors[0]!["errors"]!["eventDate"]![0]!.GetValue<string>(), Does.Contain("yyyy-MM-dd"));
            Assert.That(errors[1]!["errors"]!["row"]![0]!.GetValue<string>(), Does.Contain("3 fields"));
            Assert.That(errors[2]!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "status" }));
            Assert.That(errors[3]!["errors"]!["row"]![0]!.GetValue<string>(), Does.Contain("never closed"));
        });
        var record = (await ByExternalIdAsync(id1))!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)record["serialNumber"], Is.EqualTo("CSV, 500"));
            Assert.That((string?)record["notes"], Is.EqualTo("Two lines\r\nand a \"quote\""));
            Assert.That(record["otherSerials"]!.AsArray().Select(o => (string?)o!["value"]), Is.EqualTo(new[] { "AB1", "AB2" }));
            Assert.That(record["visibility"]!["countries"]!.AsArray().Select(c => (string?)c), Is.EquivalentTo(new[] { "NL", "BE" }));
        });
    }

    [Test]
    public async Task ARowRejectedForItsOverlongExternalIdIsListedWithTheFirst100Characters()
    {
        var id = (await Imports.UploadAsync(_owner, Imports.Utf8(Imports.Json(Firearm() with { ExternalId = new string('E', 150) }) + "\n"), "application/x-ndjson")).Id;
        await Imports.FinishedAsync(_owner, id);

        var error = (await Imports.ErrorsAsync(_owner, id)).Single()!;
        Assert.That((string?)error["externalId"], Is.EqualTo(new string('E', 100)));
        Assert.That(error["errors"]!.AsObject().Select(e => e.Key), Does.Contain("externalId"));
    }

    [Test]
    public async Task JobsAreTheAgencysOwnAndAnotherMediaTypeIs415()
    {
        var id = (await Imports.UploadAsync(_owner, Imports.Utf8(Imports.Json(Firearm()) + "\n"), "application/x-ndjson")).Id;
        await Imports.FinishedAsync(_owner, id);

        await (await _other.GetAsync($"{Imports.Url}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _other.GetAsync($"{Imports.Url}/{id}/errors")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _other.DeleteAsync($"{Imports.Url}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        var mine = await (await _owner.GetAsync(Imports.Url)).ExpectAsync(HttpStatusCode.OK);
        Assert.That(mine["items"]!.AsArray().Select(j => (long)j!["id"]!), Does.Contain(id));
        var theirs = await (await _other.GetAsync(Imports.Url)).ExpectAsync(HttpStatusCode.OK);
        Assert.That(theirs["items"]!.AsArray().Select(j => (long)j!["id"]!), Does.Not.Contain(id));
        await (await _owner.PostRawAsync(Imports.Url, "{}")).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }
}

/// <summary>A host stopped mid-import (the worker throws after a chunk, as kill -9 would stop it), then a new host on the same file.</summary>
public class ImportResumeTests
{
    [Test]
    public async Task AnImportStoppedAfterAChunkResumesOnTheNextHostWithTheSameRecordsAndCounts()
    {
        var folder = Path.Combine(Path.GetTempPath(), "iarms-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var connection = $"Data Source={Path.Combine(folder, "iarms.db")}";
        var settings = new Dictionary<string, string?> { ["IArms:Imports:ChunkRows"] = "3" };
        var records = Enumerable.Range(0, 10).Select(i => Firearm($"RES {i:D3} ZZ")).ToList();
        var lines = records.Select(Imports.Json).ToList();
        lines.Insert(4, "{ broken");
        lines.Add(Imports.Json(records[0] with { Status = "seized" }));
        var file = Imports.Utf8(string.Join('\n', lines) + "\n");

        long id;
        string key;
        using (var first = new IArmsApplication(IArms.Api.Data.DatabaseProvider.Sqlite, connection) { Settings = settings })
        {
            first.Services.GetRequiredService<ImportFaults>().StopAfterChunks = 2;
            using var client = await first.AgencyAsync("DE-BKA", "DE", "record", "search");
            key = client.DefaultRequestHeaders.GetValues("X-Api-Key").Single();
            id = (await Imports.UploadAsync(client, file, "application/x-ndjson")).Id;
            JsonNode job;
            do
            {
                await Task.Delay(50);
                job = await (await client.GetAsync($"{Imports.Url}/{id}")).ExpectAsync(HttpStatusCode.OK);
            }
            while (Imports.Count(job, "rowsRead") < 6);
            Assert.That((string?)job["status"], Is.EqualTo("running"));
            Assert.That(Imports.Count(job, "rowsRead"), Is.EqualTo(6));
        }

        using var second = new IArmsApplication(IArms.Api.Data.DatabaseProvider.Sqlite, connection) { Settings = settings };
        using var again = second.ClientWithKey(key);
        var finished = await Imports.FinishedAsync(again, id);
        Assert.Multiple(() =>
        {
            Assert.That((string?)finished["status"], Is.EqualTo("succeeded"));
            Assert.That(Imports.Count(finished, "rowsRead"), Is.EqualTo(12));
            Assert.That(Imports.Count(finished, "created"), Is.EqualTo(10));
            Assert.That(Imports.Count(finished, "updated"), Is.EqualTo(1));
            Assert.That(Imports.Count(finished, "rejected"), Is.EqualTo(1));
        });
        Assert.That((await Imports.ErrorsAsync(again, id)).Select(e => (long)e!["line"]!), Is.EqualTo(new long[] { 5 }));
        var page = await (await again.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        var items = page["items"]!.AsArray();
        Assert.That(items.Select(i => (string?)i!["externalId"]), Is.EquivalentTo(records.Select(r => r.ExternalId)));
        Assert.That((string?)items.Single(i => (string?)i!["externalId"] == records[0].ExternalId)!["status"], Is.EqualTo("seized"));
    }
}
