using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Search;

public class BatchSearchTests : ApiFixture
{
    private const string Batch = "/api/v1/searches/batch";

    private HttpClient _owner = null!;
    private HttpClient _searcher = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _searcher = await App.AgencyAsync("DE-BKA", "DE", "search", "audit");
    }

    private async Task<long> RecordAsync(string serial, string status = "stolen") =>
        (long)(await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm(serial) with { Status = status })).ExpectAsync(HttpStatusCode.Created))["id"]!;

    private static object Item(string @ref, string? serialNumber, string? type = null) => new { @ref, serialNumber, type };

    [Test]
    public async Task EachItemIsAnsweredInOrderAsItsOwnSearch()
    {
        var first = await RecordAsync("BATCH 100 AA");
        var second = await RecordAsync("BATCH 200 BB");

        var answer = await (await _searcher.PostJsonAsync(Batch, new
        {
            purpose = "seizure", caseReference = "CACHE-7",
            items = new[] { Item("b", "BATCH200BB"), Item("none", "NOTHING999ZZ"), Item("a", "batch-100-aa") },
        })).ExpectAsync(HttpStatusCode.OK);

        var items = answer["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(items.Select(i => (string?)i!["ref"]), Is.EqualTo(new[] { "b", "none", "a" }));
            Assert.That(items.Select(i => (string?)i!["normalizedSerial"]), Is.EqualTo(new[] { "BATCH200BB", "NOTHING999ZZ", "BATCH100AA" }));
            Assert.That(items[0]!["results"]!.AsArray().Select(r => (long)r!["firearm"]!["id"]!), Is.EqualTo(new[] { second }));
            Assert.That(items[1]!["results"]!.AsArray(), Is.Empty);
            Assert.That(items[2]!["results"]!.AsArray().Select(r => (long)r!["firearm"]!["id"]!), Is.EqualTo(new[] { first }));
            Assert.That(items.Select(i => (string?)i!["searchId"]).Distinct().Count(), Is.EqualTo(3));
            Assert.That(items.Select(i => (bool?)i!["truncated"]), Is.All.False);
            Assert.That(items.Select(i => i!["error"]), Is.All.Null);
        });
    }

    [Test]
    public async Task EveryItemIsAuditedAsASearchWithTheBatchsPurposeAndCase()
    {
        var answer = await (await _searcher.PostJsonAsync(Batch, new
        {
            purpose = "investigation", caseReference = "CASE-AUDIT-1",
            items = new[] { Item("1", "AUDIT111"), Item("2", "AUDIT222") },
        })).ExpectAsync(HttpStatusCode.OK);
        var searchIds = answer["items"]!.AsArray().Select(i => (string)i!["searchId"]!).ToList();

        var page = await (await _searcher.GetAsync("/api/v1/audit?limit=200&action=search")).ExpectAsync(HttpStatusCode.OK);
        var entries = page["items"]!.AsArray().Where(e => searchIds.Contains((string?)e!["searchId"] ?? "")).ToList();

        Assert.That(entries, Has.Count.EqualTo(2));
        Assert.That(entries.Select(e => (string?)e!["purpose"]), Is.All.EqualTo("investigation"));
        Assert.That(entries.Select(e => (string?)e!["caseReference"]), Is.All.EqualTo("CASE-AUDIT-1"));
    }

    [Test]
    public async Task AnItemThatFindsAnotherAgencysStolenRecordRaisesAHit()
    {
        var id = await RecordAsync("HITBATCH 300 CC");

        var answer = await (await _searcher.PostJsonAsync(Batch, new { purpose = "border-control", items = new[] { Item("x", "HITBATCH300CC") } }))
            .ExpectAsync(HttpStatusCode.OK);
        var searchId = (string)answer["items"]![0]!["searchId"]!;

        var alerts = (await (await _owner.GetAsync("/api/v1/alerts?limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();
        var hit = alerts.Single(a => (string?)a!["searchId"] == searchId)!;
        Assert.That((string?)hit["kind"], Is.EqualTo("hit"));
        Assert.That((long?)hit["firearmId"], Is.EqualTo(id));
    }

    [Test]
    public async Task AnInvalidItemGetsItsOwnErrorsWithoutFailingTheOthers()
    {
        await RecordAsync("GOOD 400 DD");

        var answer = await (await _searcher.PostJsonAsync(Batch, new
        {
            purpose = "seizure",
            items = new[] { Item("bad-serial", ""), Item("good", "GOOD400DD"), Item("bad-type", "GOOD400DD", type: "catapult") },
        })).ExpectAsync(HttpStatusCode.OK);

        var items = answer["items"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(items[0]!["searchId"], Is.Null);
            Assert.That(items[0]!["error"]!["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "serialNumber" }));
            Assert.That((int?)items[0]!["error"]!["status"], Is.EqualTo(400));
            Assert.That(items[1]!["results"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That(items[2]!["error"]!["errors"]!["type"]![0]!.GetValue<string>(), Does.Contain("must be one of"));
        });
    }

    [Test]
    public async Task ABatchWithoutPurposeOrWithTooManyItemsIsRefusedAsAWhole()
    {
        await (await _searcher.PostJsonAsync(Batch, new { items = new[] { Item("1", "ABC123") } })).ExpectFieldErrorAsync("purpose");
        await (await _searcher.PostJsonAsync(Batch, new { purpose = "seizure", items = Array.Empty<object>() })).ExpectFieldErrorAsync("items");
        var tooMany = Enumerable.Range(0, 1001).Select(i => Item(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "ABC123")).ToArray();
        var messages = await (await _searcher.PostJsonAsync(Batch, new { purpose = "seizure", items = tooMany })).ExpectFieldErrorAsync("items");
        Assert.That(messages.Single(), Does.Contain("1000"));
    }
}
