using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Search;

public class HitsAndAuditTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _searcher = null!;
    private HttpClient _bystander = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-NCB", "FR", "search", "record", "audit");
        _searcher = await App.AgencyAsync("DE-BKA", "DE", "search", "audit");
        _bystander = await App.AgencyAsync("ES-CNP", "ES", "search", "audit");
    }

    private async Task<long> RecordAsync(string serial, string status)
    {
        var created = await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm(serial) with { Status = status })).ExpectAsync(HttpStatusCode.Created);
        return (long)created["id"]!;
    }

    private static async Task<JsonNode> SearchAsync(HttpClient client, string serial, string purpose = "seizure", string? caseReference = null) =>
        await (await client.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, purpose, caseReference })).ExpectAsync(HttpStatusCode.OK);

    private static async Task<List<JsonNode>> OpenAlertsAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/v1/alerts?limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(a => a!).ToList();

    [Test]
    public async Task AnotherAgencysSearchThatFindsAStolenRecordAlertsItsOwner()
    {
        var id = await RecordAsync("HIT 1000 AA", "stolen");
        var answer = await SearchAsync(_searcher, "HIT1000AA", "border-control");
        var searchId = (string)answer["searchId"]!;

        var hit = (await OpenAlertsAsync(_owner)).Single(a => (string?)a["searchId"] == searchId);
        Assert.That((string?)hit["kind"], Is.EqualTo("hit"));
        Assert.That((long?)hit["firearmId"], Is.EqualTo(id));
        Assert.That((string?)hit["fromAgency"], Is.EqualTo("DE-BKA"));
        Assert.That((string?)hit["fromCountry"], Is.EqualTo("DE"));
        Assert.That((string?)hit["purpose"], Is.EqualTo("border-control"));
        Assert.That((string?)hit["createdAt"], Is.Not.Null);

        Assert.That((await OpenAlertsAsync(_searcher)).Where(a => (string?)a["searchId"] == searchId), Is.Empty, "the searcher is not alerted");
        Assert.That((await OpenAlertsAsync(_bystander)).Where(a => (string?)a["searchId"] == searchId), Is.Empty);
    }

    [Test]
    public async Task AHitIsRaisedOncePerSearchAndRecordAndAcknowledgingClosesIt()
    {
        var id = await RecordAsync("ONCE 2000 BB", "trafficked");
        await RecordAsync("ONCE 2000 BB", "smuggled"); // a second record with the same serial: its own alert
        var searchId = (string)(await SearchAsync(_searcher, "ONCE2000BB"))["searchId"]!;

        var alerts = (await OpenAlertsAsync(_owner)).Where(a => (string?)a["searchId"] == searchId).ToList();
        Assert.That(alerts, Has.Count.EqualTo(2));
        Assert.That(alerts.Select(a => (long)a["firearmId"]!).Distinct().Count(), Is.EqualTo(2));

        var first = alerts.Single(a => (long)a["firearmId"]! == id);
        var acknowledged = await (await _owner.PostAsync($"/api/v1/alerts/{(long)first["id"]!}/acknowledge", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)acknowledged["acknowledgedAt"], Is.Not.Null);
        Assert.That((await OpenAlertsAsync(_owner)).Select(a => (long)a["id"]!), Does.Not.Contain((long)first["id"]!));
        var all = (await (await _owner.GetAsync("/api/v1/alerts?status=all&limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.That(all.Select(a => (long)a!["id"]!), Does.Contain((long)first["id"]!));

        // Only the addressee can close an alert.
        await (await _searcher.PostAsync($"/api/v1/alerts/{(long)first["id"]!}/acknowledge", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task RepeatedSearchesByOneAgencyForOneRecordAreOneOpenHitWithACountReopenedAfterAcknowledgement()
    {
        var id = await RecordAsync("GRP 5000 EE", "stolen");
        var first = (string)(await SearchAsync(_searcher, "GRP5000EE", "seizure"))["searchId"]!;
        await SearchAsync(_searcher, "GRP 5000 EE", "investigation");
        var last = (string)(await SearchAsync(_searcher, "grp5000ee", "border-control"))["searchId"]!;

        var hits = (await OpenAlertsAsync(_owner)).Where(a => (long?)a["firearmId"] == id).ToList();
        Assert.That(hits, Has.Count.EqualTo(1), "one open alert per firearm and searching agency");
        var hit = hits[0];
        Assert.That((int?)hit["hitCount"], Is.EqualTo(3));
        Assert.That((string?)hit["firstSearchId"], Is.EqualTo(first));
        Assert.That((string?)hit["searchId"], Is.EqualTo(last), "searchId is the latest search");
        Assert.That((string?)hit["purpose"], Is.EqualTo("border-control"));
        Assert.That((string?)hit["lastHitAt"], Is.Not.Null);

        // Another agency's search is its own alert.
        await SearchAsync(_bystander, "GRP5000EE");
        Assert.That((await OpenAlertsAsync(_owner)).Count(a => (long?)a["firearmId"] == id), Is.EqualTo(2));

        // Acknowledged, then hit again by the same agency: the same alert, reopened and counted on.
        await (await _owner.PostAsync($"/api/v1/alerts/{(long)hit["id"]!}/acknowledge", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((await OpenAlertsAsync(_owner)).Select(a => (long)a["id"]!), Does.Not.Contain((long)hit["id"]!));
        var again = (string)(await SearchAsync(_searcher, "GRP5000EE"))["searchId"]!;
        var reopened = (await OpenAlertsAsync(_owner)).Single(a => (long)a["id"]! == (long)hit["id"]!);
        Assert.That((int?)reopened["hitCount"], Is.EqualTo(4));
        Assert.That((string?)reopened["searchId"], Is.EqualTo(again));
        Assert.That((string?)reopened["firstSearchId"], Is.EqualTo(first));
        Assert.That(reopened["acknowledgedAt"], Is.Null);
    }

    [Test]
    public async Task NoHitForTheOwnersOwnSearchOrForSeizedAndRecoveredRecords()
    {
        await RecordAsync("NOHIT 3000", "stolen");
        await RecordAsync("SEIZED 3001", "seized");
        await RecordAsync("RECOV 3002", "recovered");
        var own = (string)(await SearchAsync(_owner, "NOHIT3000"))["searchId"]!;
        var seized = (string)(await SearchAsync(_searcher, "SEIZED3001"))["searchId"]!;
        var recovered = (string)(await SearchAsync(_searcher, "RECOV3002"))["searchId"]!;

        var ids = (await OpenAlertsAsync(_owner)).Select(a => (string?)a["searchId"]).ToList();
        Assert.That(ids, Does.Not.Contain(own).And.Not.Contain(seized).And.Not.Contain(recovered));
    }

    [Test]
    public async Task EverySearchIsInTheAuditLogWithItsPurposeAndCase()
    {
        await RecordAsync("AUD 4000 CC", "lost");
        var answer = await SearchAsync(_searcher, "AUD4000CC", "investigation", "BKA-2026-77");
        var searchId = (string)answer["searchId"]!;

        var page = await (await _searcher.GetAsync("/api/v1/audit?action=search&limit=200")).ExpectAsync(HttpStatusCode.OK);
        var entry = page["items"]!.AsArray().Single(e => (string?)e!["searchId"] == searchId)!;
        Assert.That((string?)entry["agency"], Is.EqualTo("DE-BKA"));
        Assert.That((string?)entry["purpose"], Is.EqualTo("investigation"));
        Assert.That((string?)entry["caseReference"], Is.EqualTo("BKA-2026-77"));
        Assert.That((string?)entry["query"], Does.Contain("AUD4000CC"));
        Assert.That((int)entry["resultCount"]!, Is.EqualTo(answer["results"]!.AsArray().Count));
        Assert.That((long)entry["keyId"]!, Is.GreaterThan(0));

        // Auditors see their own agency only; the central administrator sees everyone's.
        var bystanderPage = await (await _bystander.GetAsync("/api/v1/audit?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(bystanderPage["items"]!.AsArray().Select(e => (string?)e!["searchId"]), Does.Not.Contain(searchId));
        await (await _bystander.GetAsync("/api/v1/audit?agency=DE-BKA")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        using var admin = App.Admin();
        var adminPage = await (await admin.GetAsync("/api/v1/audit?agency=DE-BKA&limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(adminPage["items"]!.AsArray().Select(e => (string?)e!["searchId"]), Does.Contain(searchId));
    }

    [Test]
    public async Task TheAuditLogPagesNewestFirstAndFiltersByTime()
    {
        for (var i = 0; i < 5; i++)
        {
            await SearchAsync(_bystander, $"PAGE{i}XYZ");
        }
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await (await _bystander.GetAsync("/api/v1/audit?limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(e => (long)e!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        Assert.That(seen, Has.Count.GreaterThanOrEqualTo(5));
        Assert.That(seen, Is.Ordered.Descending);
        Assert.That(seen, Is.Unique);

        var future = await (await _bystander.GetAsync("/api/v1/audit?from=2030-01-01T00:00:00Z")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(future["items"]!.AsArray(), Is.Empty);
        await (await _bystander.GetAsync("/api/v1/audit?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z")).ExpectFieldErrorAsync("to");
    }

    [Test]
    public async Task ReadingTheAuditLogNeedsTheAuditOrAdminRole()
    {
        using var plain = await App.AgencyAsync("PT-PJ", "PT", "search");
        await (await plain.GetAsync("/api/v1/audit")).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}
