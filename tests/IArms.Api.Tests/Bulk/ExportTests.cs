using System.Net;
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
