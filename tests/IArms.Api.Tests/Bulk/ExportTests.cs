using System.Net;
using System.Text;
using System.Text.Json;
using IArms.Api.Bulk;
using IArms.Api.Firearms;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Bulk;

public class ExportTests : ApiFixture
{
    private const string Export = "/api/v1/exports/firearms";

    private HttpClient _owner = null!;
    private HttpClient _other = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("PL-KGP", "PL", "record", "search");
        _other = await App.AgencyAsync("CZ-PCR", "CZ", "record", "search");
        await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("EXP 100 AA") with
        {
            OtherSerials = [new OtherSerialBody("slide", "EXP100AB")],
            Notes = "Line one,\r\n\"quoted\" line two",
            Visibility = new VisibilityBody("countries", ["PL", "CZ"]),
        })).ExpectAsync(HttpStatusCode.Created);
        await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("EXP 200 BB") with { Status = "seized", EventDate = null, YearOfManufacture = null })).ExpectAsync(HttpStatusCode.Created);
        await (await _other.PostJsonAsync("/api/v1/firearms", Firearm("EXP 300 CC"))).ExpectAsync(HttpStatusCode.Created);
    }

    private static async Task<List<JsonNode>> RecordsAsync(HttpClient client)
    {
        var page = await (await client.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(i => i!)];
    }

    /// <summary>The fields a record is imported with: everything but what the receiving instance derives or assigns.</summary>
    private static string Fields(JsonNode record)
    {
        var copy = record.DeepClone().AsObject();
        foreach (var assigned in new[] { "id", "ownerAgency", "createdAt", "updatedAt" })
        {
            copy.Remove(assigned);
        }
        return copy.ToJsonString();
    }

    [TestCase("ndjson")]
    [TestCase("csv")]
    public async Task AnExportImportedIntoAFreshInstanceReproducesEveryRecordFieldForField(string format)
    {
        var response = await _owner.GetAsync($"{Export}?format={format}&owner=me");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
        Assert.That(response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), Does.StartWith("firearms-PL-KGP-").And.EndWith("." + format));
        var file = await response.Content.ReadAsByteArrayAsync();

        using var fresh = new IArmsApplication();
        using var target = await fresh.AgencyAsync("PL-KGP", "PL", "record", "search");
        var id = (await Imports.UploadAsync(target, file, format == "csv" ? "text/csv" : "application/x-ndjson")).Id;
        var job = await Imports.FinishedAsync(target, id);

        Assert.That((Imports.Count(job, "created"), Imports.Count(job, "rejected")), Is.EqualTo((2L, 0L)), (await Imports.ErrorsAsync(target, id)).ToJsonString());
        var mine = (await RecordsAsync(_owner)).Where(r => (string?)r["ownerAgency"] == "PL-KGP").Select(Fields).OrderBy(f => f);
        var copied = (await RecordsAsync(target)).Select(Fields).OrderBy(f => f);
        Assert.That(copied, Is.EqualTo(mine));
    }

    [Test]
    public async Task TheExportHoldsWhatTheCallerMaySeeFilteredLikeTheList()
    {
        var visible = await (await _other.GetAsync($"{Export}?format=ndjson")).Content.ReadAsStringAsync();
        var seized = await (await _other.GetAsync($"{Export}?status=seized")).Content.ReadAsStringAsync();

        var lines = visible.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string?)JsonNode.Parse(l)!["serialNumber"]).ToList();
        Assert.That(lines, Is.EquivalentTo(new[] { "EXP 100 AA", "EXP 200 BB", "EXP 300 CC" }));
        Assert.That(seized.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string?)JsonNode.Parse(l)!["serialNumber"]), Is.EqualTo(new[] { "EXP 200 BB" }));
        await (await _other.GetAsync($"{Export}?format=xml")).ExpectFieldErrorAsync("format");
        await (await _other.GetAsync($"{Export}?owner=them")).ExpectFieldErrorAsync("owner");
    }
}

/// <summary>The export as the first request of a fresh process, before any other request has used the record JSON options.</summary>
[NonParallelizable]
public class ExportFreshProcessTests
{
    [Test]
    public async Task AnExportThatIsTheFreshProcesssFirstUseOfTheRecordJsonAnswers200NotA500()
    {
        using var service = new ServiceProcess(new Dictionary<string, string>());
        await service.StartAsync();
        var key = await service.AgencyKeyAsync("DE-BKA", "DE", "record", "search");
        using var client = service.Client(key);

        var response = await client.GetAsync("/api/v1/exports/firearms?format=ndjson");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-ndjson"));
            Assert.That(body, Is.Empty, "an agency without records exports no line");
        });
    }
}

/// <summary>
/// The export's lines are built by the database; they must stay byte for byte what the serialiser (NDJSON) and
/// <see cref="IArms.Api.Bulk.ImportColumns.ToCsv"/> (CSV) write of the same records, which is what every earlier export
/// and the import's own files hold.
/// </summary>
public class ExportLineTests : ApiFixture
{
    private const string Export = "/api/v1/exports/firearms";
    private HttpClient _owner = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("SE-NOA", "SE", "record", "search");
        var other = await App.AgencyAsync("NO-KRIPOS", "NO", "record", "search");
        const string piece = "Lång \"text\", with\r\nbreaks\tand <tags> & 'quotes' + `ticks` \\ 中文 😀; ";
        var longText = string.Concat(Enumerable.Repeat(piece, 4000 / piece.Length)); // as long as notes may be, no pair cut
        foreach (var body in new[]
        {
            Firearm("SE 100 ÅÄ") with
            {
                OtherSerials = [new OtherSerialBody("slide", "A,B\"1:2"), new OtherSerialBody("barrel", "Ünï-中"), new OtherSerialBody("frame", "F<>&'+`\\9")],
                Make = "Smith & Wesson", Model = "M&P9 <\"x\">", Calibre = "9x19mm 'Para'", CountryOfManufacture = "US", YearOfManufacture = 1999,
                ImportMarking = "Ü+1", Status = "seized", EventDate = "2024-02-29", EventCountryCode = "SE", EventPlace = "São Paulo, \"centre\"",
                CaseReference = "A+B`C'D\\E", ObliteratedSerial = true, Visibility = new VisibilityBody("countries", ["SE", "BE", "DE"]), Notes = longText,
            },
            Firearm("SE 200 BB") with
            {
                CountryOfManufacture = null, YearOfManufacture = null, EventDate = null, EventCountryCode = null, EventPlace = "", CaseReference = "",
                Model = "", Calibre = "", Visibility = new VisibilityBody("countries", ["NO"]), Notes = "one,two\nthree",
            },
            Firearm("SE 300 CC") with { ExternalId = "AAA-FIRST-" + Guid.NewGuid().ToString("N")[..8], OtherSerials = [new OtherSerialBody("slide", "SE300CC")] },
            Firearm("SE 400 DD"),
            // Only ASCII to escape: the serialiser writes \u0026, \u003C, \u003E, \u0027, \u002B and \u0060.
            Firearm("SE 500 EE") with { Make = "Smith & Wesson", Model = "M&P<9>", CaseReference = "O'Neil+`1`" },
        })
        {
            await (await _owner.PostJsonAsync("/api/v1/firearms", body)).ExpectAsync(HttpStatusCode.Created);
        }
        await (await other.PostJsonAsync("/api/v1/firearms", Firearm("NO 500 EE") with { Notes = "naïve" })).ExpectAsync(HttpStatusCode.Created);
        // Enough records of another agency that the caller owns fewer than one in eight, and its own export reads them
        // from their index, in external-id order; the table walk is in ExportPagingTests.
        for (var i = 0; i < 44; i++)
        {
            await (await other.PostJsonAsync("/api/v1/firearms", Firearm($"NO {600 + i} FF"))).ExpectAsync(HttpStatusCode.Created);
        }
    }

    /// <summary>The records the caller sees, in id order, as the body of <c>POST /firearms</c> that stored them.</summary>
    private async Task<List<FirearmRequest>> RequestsAsync()
    {
        var page = await (await _owner.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(i => i.Deserialize<FirearmRequest>(FirearmQueries.Json)!)];
    }

    private static string Line(FirearmRequest r, string format) =>
        format == "csv" ? ImportColumns.ToCsv(r) + "\r\n" : JsonSerializer.Serialize(r, FirearmQueries.Json) + "\n";

    [TestCase("ndjson")]
    [TestCase("csv")]
    public async Task EveryVisibleRecordIsExportedInIdOrderByteForByteAsTheSerialiserWritesIt(string format)
    {
        var records = await RequestsAsync();
        var expected = (format == "csv" ? ImportColumns.Header + "\r\n" : "") + string.Concat(records.Select(r => Line(r, format)));

        var response = await _owner.GetAsync($"{Export}?format={format}");
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(records, Has.Count.EqualTo(50));
        Assert.That(Encoding.UTF8.GetString(body), Is.EqualTo(expected));
        Assert.That(body, Is.EqualTo(new UTF8Encoding(false).GetBytes(expected)), "no byte order mark, UTF-8 throughout");
    }

    [TestCase("ndjson")]
    [TestCase("csv")]
    public async Task TheCallersOwnRecordsAreExportedInExternalIdOrderByteForByte(string format)
    {
        var mine = (await RequestsAsync()).Where(r => r.ExternalId!.StartsWith("EXT-", StringComparison.Ordinal) || r.ExternalId.StartsWith("AAA-", StringComparison.Ordinal))
            .Where(r => r.SerialNumber!.StartsWith("SE ", StringComparison.Ordinal)).OrderBy(r => r.ExternalId, StringComparer.Ordinal).ToList();
        var expected = (format == "csv" ? ImportColumns.Header + "\r\n" : "") + string.Concat(mine.Select(r => Line(r, format)));

        var body = await (await _owner.GetAsync($"{Export}?format={format}&owner=me")).Content.ReadAsStringAsync();

        Assert.That(mine, Has.Count.EqualTo(5));
        Assert.That(body, Is.EqualTo(expected));
    }

}

/// <summary>Exports longer than one page of the statement, on a database of their own.</summary>
public class ExportPagingTests : ApiFixture
{
    private const string Export = "/api/v1/exports/firearms";

    [Test]
    public async Task AnExportOfMoreThanOnePageLosesNoRecordAndRepeatsNone()
    {
        var client = await App.AgencyAsync("FI-KRP", "FI", "record", "search");
        // External ids that fall as ids rise: the owner's export (external-id order) and the visible one (id order) page differently.
        var ids = Enumerable.Range(0, 1005).Select(i => $"FI-{1005 - i:D5}").ToList();
        var file = string.Concat(ids.Select(id => JsonSerializer.Serialize(Firearm("FI " + id) with { ExternalId = id }, FirearmQueries.Json) + "\n"));
        var job = await Imports.FinishedAsync(client, (await Imports.UploadAsync(client, Encoding.UTF8.GetBytes(file), "application/x-ndjson")).Id);
        Assert.That(Imports.Count(job, "created"), Is.EqualTo(1005L));

        // Records imported in one chunk can share their change time: the walk of the changes breaks those ties by id.
        var before = Uri.EscapeDataString(App.Clock.GetUtcNow().AddHours(-1).ToString("O"));
        var after = Uri.EscapeDataString(App.Clock.GetUtcNow().AddHours(1).ToString("O"));
        foreach (var filter in new[] { "owner=me", "owner=visible", $"updatedSince={before}", $"owner=me&updatedSince={before}" })
        {
            Assert.That(await ExportedAsync(client, filter), Is.EquivalentTo(ids), filter);
        }
        Assert.That(await ExportedAsync(client, $"updatedSince={after}"), Is.Empty);
        Assert.That(await ExportedAsync(client, $"owner=me&updatedSince={after}"), Is.Empty);
    }

    private static async Task<List<string>> ExportedAsync(HttpClient client, string filter)
    {
        var response = await client.GetAsync($"{Export}?format=ndjson&{filter}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), filter);
        return [.. (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => (string)JsonNode.Parse(l)!["externalId"]!).Where(e => e.StartsWith("FI-", StringComparison.Ordinal))];
    }
}
