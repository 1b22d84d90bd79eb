using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Search;

public class SerialSearchTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _searcher = null!;
    private readonly Dictionary<string, long> _ids = [];

    private static readonly string[] Serials =
    [
        "AB 123-456", "AB 123-457", "XK 998-001", "GLK77210", "BER-5530-Q", "SN 4471-KF", "H0D 12 34", "PY12345", "C9938812",
    ];

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _searcher = await App.AgencyAsync("DE-BKA", "DE", "search", "audit");
        foreach (var serial in Serials)
        {
            var created = await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm(serial) with { Status = "seized" })).ExpectAsync(HttpStatusCode.Created);
            _ids[serial] = (long)created["id"]!;
        }
    }

    private async Task<JsonNode> SearchAsync(string serial, HttpClient? client = null, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["serialNumber"] = serial, ["purpose"] = "seizure", ["caseReference"] = "CASE-1" };
        if (extra is not null)
        {
            foreach (var p in extra.GetType().GetProperties())
            {
                body[p.Name] = p.GetValue(extra);
            }
        }
        return await (await (client ?? _searcher).PostJsonAsync("/api/v1/searches", body)).ExpectAsync(HttpStatusCode.OK);
    }

    private static List<(long Id, string Match, int Distance)> Results(JsonNode answer) =>
        answer["results"]!.AsArray().Select(r => ((long)r!["firearm"]!["id"]!, (string)r["match"]!, (int)r["distance"]!)).ToList();

    [TestCase("AB 123-456", "AB 123-456", "exact")]
    [TestCase("ab123456", "AB 123-456", "normalized")]
    [TestCase("A.B/123 456", "AB 123-456", "normalized")]
    [TestCase("A8 I23-4S6", "AB 123-456", "confusable")]
    [TestCase("HOD1234", "H0D 12 34", "confusable")]
    [TestCase("GLK72710", "GLK77210", "fuzzy")]
    [TestCase("AB 123-465", "AB 123-456", "fuzzy")]
    [TestCase("BER5503Q", "BER-5530-Q", "fuzzy")]
    [TestCase("C9938B12", "C9938812", "confusable")]
    [TestCase("C9983812", "C9938812", "fuzzy")]
    [TestCase("XK98001", "XK 998-001", "fuzzy")]
    [TestCase("A?1?3?5?", "AB 123-456", "wildcard")]
    [TestCase("C99388I2X", "C9938812", "partial")]
    [TestCase("XK?98-0?1", "XK 998-001", "wildcard")]
    [TestCase("*4471KF", "SN 4471-KF", "wildcard")]
    [TestCase("PY1*", "PY12345", "wildcard")]
    [TestCase("PY123*", "PY12345", "wildcard")]
    [TestCase("*93881?", "C9938812", "wildcard")]
    [TestCase("?9938812", "C9938812", "wildcard")]
    [TestCase("4471KF", "SN 4471-KF", "partial")]
    public async Task AMisreadSerialFindsItsRecordFirst(string typed, string recorded, string expectedMatch)
    {
        var results = Results(await SearchAsync(typed));
        Assert.That(results, Is.Not.Empty, $"'{typed}' found nothing");
        Assert.That(results[0].Id, Is.EqualTo(_ids[recorded]), $"'{typed}' ranked another record first");
        Assert.That(results[0].Match, Is.EqualTo(expectedMatch));
    }

    [TestCase("ZZ999999")]
    [TestCase("QWERTY77")]
    [TestCase("XY987654")]
    public async Task AnUnrelatedSerialFindsNothing(string typed)
    {
        var answer = await SearchAsync(typed);
        Assert.That(Results(answer), Is.Empty);
        Assert.That((bool)answer["truncated"]!, Is.False);
    }

    [Test]
    public async Task AnExactMatchAnswersWithoutNearNeighboursButAMissFindsThem()
    {
        // A serial reported as such answers the officer's question; neighbours one character away are other weapons.
        var exact = Results(await SearchAsync("AB 123-457"));
        Assert.That(exact.Select(r => r.Id), Is.EqualTo(new[] { _ids["AB 123-457"] }));

        var miss = Results(await SearchAsync("AB 123-458"));
        Assert.That(miss.Select(r => r.Id), Is.EquivalentTo(new[] { _ids["AB 123-457"], _ids["AB 123-456"] }));
        Assert.That(miss.Select(r => (r.Match, r.Distance)), Has.All.EqualTo(("fuzzy", 1)));
    }

    [Test]
    public async Task AOneCharacterMisreadingOutranksALongerSerialThatContainsWhatWasTyped()
    {
        var truth = await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("77345490"))).ExpectAsync(HttpStatusCode.Created);
        await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("1277345499"))).ExpectAsync(HttpStatusCode.Created);
        var results = Results(await SearchAsync("77345499"));
        Assert.That(results[0], Is.EqualTo(((long)truth["id"]!, "fuzzy", 1)));
    }

    [Test]
    public async Task AVagueSearchReturnsAPageOfResultsAndSaysItWasCut()
    {
        for (var i = 0; i < Api.Search.SearchService.MaxResults + 5; i++)
        {
            await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm($"VAGUE-{i:D4}-X"))).ExpectAsync(HttpStatusCode.Created);
        }
        var answer = await SearchAsync("VAGUE*");
        Assert.That(answer["results"]!.AsArray(), Has.Count.EqualTo(Api.Search.SearchService.MaxResults));
        Assert.That((bool)answer["truncated"]!, Is.True);
    }

    [Test]
    public async Task ASecondarySerialIsSearchableLikeTheMainOne()
    {
        var record = Firearm("FRAME-0001") with { OtherSerials = [new OtherSerialBody("slide", "SLD 55 0042")] };
        var created = await (await _owner.PostJsonAsync("/api/v1/firearms", record)).ExpectAsync(HttpStatusCode.Created);
        var answer = await SearchAsync("SLD550042");
        var first = answer["results"]![0]!;
        Assert.That((long)first["firearm"]!["id"]!, Is.EqualTo((long)created["id"]!));
        Assert.That((string?)first["matchedLocation"], Is.EqualTo("slide"));
    }

    [Test]
    public async Task AChangedSerialIsFoundByItsNewValueAndAWithdrawnRecordNotAtAll()
    {
        var record = Firearm("OLD-777-SERIAL");
        var created = await _owner.PostJsonAsync("/api/v1/firearms", record);
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var location = created.Headers.Location!.ToString();
        await (await _owner.SendJsonAsync(HttpMethod.Put, location, record with { SerialNumber = "NEW-888-SERIAL" }, ("If-Match", created.Headers.ETag!.ToString())))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.That(Results(await SearchAsync("OLD777SERIAL")).Select(r => r.Id), Does.Not.Contain((long)body["id"]!));
        Assert.That(Results(await SearchAsync("NEW888SERIAL"))[0].Id, Is.EqualTo((long)body["id"]!));

        await (await _owner.WithdrawAsync(location)).ExpectAsync(HttpStatusCode.NoContent);
        Assert.That(Results(await SearchAsync("NEW888SERIAL")).Select(r => r.Id), Does.Not.Contain((long)body["id"]!));
    }

    [Test]
    public async Task ARestrictedRecordIsNeverReturnedOutsideItsVisibility()
    {
        var record = Firearm("RSTR 4242 99") with { Visibility = new VisibilityBody("countries", ["BE"]) };
        var body = await (await _owner.PostJsonAsync("/api/v1/firearms", record)).ExpectAsync(HttpStatusCode.Created);
        using var belgium = await App.AgencyAsync("BE-FPP", "BE", "search");

        foreach (var typed in new[] { "RSTR 4242 99", "R5TR424299", "RSTR?242*", "RSTR424298" })
        {
            Assert.That(Results(await SearchAsync(typed)).Select(r => r.Id), Does.Not.Contain((long)body["id"]!), typed);
            Assert.That(Results(await SearchAsync(typed, belgium)).Select(r => r.Id), Does.Contain((long)body["id"]!), typed);
        }
    }

    [Test]
    public async Task MakeCalibreAndTypeRankAMatchingRecordFirst()
    {
        var glock = await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("TWIN-5000") with { Make = "Glock" })).ExpectAsync(HttpStatusCode.Created);
        var colt = await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("TWIN-5000") with { Make = "Colt", Type = "revolver", Calibre = ".38 Special" }))
            .ExpectAsync(HttpStatusCode.Created);
        var byColt = Results(await SearchAsync("TWIN5000", extra: new { make = "colt", type = "revolver" }));
        Assert.That(byColt[0].Id, Is.EqualTo((long)colt["id"]!));
        var byGlock = Results(await SearchAsync("TWIN5000", extra: new { make = "Glock", type = "pistol" }));
        Assert.That(byGlock[0].Id, Is.EqualTo((long)glock["id"]!));
    }

    [TestCase("AB", "serialNumber")]
    [TestCase("A?B*", "serialNumber")]
    [TestCase("", "serialNumber")]
    public async Task ASerialWithTooFewReadableCharactersIsRefused(string typed, string field)
    {
        var messages = await (await _searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = typed, purpose = "seizure" })).ExpectFieldErrorAsync(field);
        Assert.That(messages, Is.Not.Empty);
    }

    [Test]
    public async Task ASearchWithoutAPurposeIsRefused()
    {
        var messages = await (await _searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB123456" })).ExpectFieldErrorAsync("purpose");
        Assert.That(messages[0], Does.Contain("seizure"));
        await (await _searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB123456", purpose = "curiosity" })).ExpectFieldErrorAsync("purpose");
    }

    [Test]
    public async Task SearchingNeedsTheSearchRole()
    {
        using var recorder = await App.AgencyAsync("IT-CC", "IT", "record");
        await (await recorder.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB123456", purpose = "seizure" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}
