using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Contract;

/// <summary>Issue 15: <c>updatedSince</c> answers tombstones for withdrawn records, so a mirror kept by it stays exact.</summary>
public class TombstoneMirrorTests : ApiFixture
{
    private HttpClient _france = null!;
    private HttpClient _germany = null!;
    private HttpClient _italy = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _france = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _germany = await App.AgencyAsync("DE-BKA", "DE", "search", "record");
        _italy = await App.AgencyAsync("IT-SCIP", "IT", "search", "record");
    }

    private static string Since(DateTimeOffset at) => Uri.EscapeDataString(at.ToString("O"));

    /// <summary>Reads every page since <paramref name="since"/>: the live records and the tombstones.</summary>
    private static async Task<(List<JsonNode> Items, List<JsonNode> Withdrawn)> ChangesAsync(HttpClient client, DateTimeOffset since, int limit)
    {
        var (items, withdrawn) = (new List<JsonNode>(), new List<JsonNode>());
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/firearms?updatedSince={Since(since)}&limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}"))
                .ExpectAsync(HttpStatusCode.OK);
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            withdrawn.AddRange(page["withdrawn"]!.AsArray().Select(i => i!));
            Assert.That(page["items"]!.AsArray().Count + page["withdrawn"]!.AsArray().Count, Is.LessThanOrEqualTo(limit));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return (items, withdrawn);
    }

    [Test]
    public async Task AWithdrawnRecordAppearsAsATombstoneSinceThenAndNotInTheLiveList()
    {
        var before = App.Clock.GetUtcNow();
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var created = await _france.PostJsonAsync("/api/v1/firearms", Firearm("TS-3001"));
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        await (await _france.WithdrawAsync(created.Headers.Location!.ToString())).ExpectAsync(HttpStatusCode.NoContent);

        var (items, withdrawn) = await ChangesAsync(_germany, before, 50);
        Assert.That(items.Select(i => (long)i["id"]!), Does.Not.Contain((long)body["id"]!));
        var tombstone = withdrawn.Single(w => (long)w["id"]! == (long)body["id"]!);
        Assert.That((string?)tombstone["externalId"], Is.EqualTo((string?)body["externalId"]));
        Assert.That(DateTimeOffset.Parse((string)tombstone["withdrawnAt"]!), Is.EqualTo(App.Clock.GetUtcNow()).Within(TimeSpan.FromSeconds(1)));
        Assert.That(tombstone.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "id", "externalId", "withdrawnAt" }), "A tombstone carries nothing else.");

        var plain = await (await _germany.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(plain["withdrawn"]!.AsArray(), Is.Empty, "Without updatedSince there are no tombstones.");
    }

    [Test]
    public async Task ARestrictedRecordsTombstoneIsShownOnlyToThoseWhoCouldSeeIt()
    {
        var before = App.Clock.GetUtcNow();
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        var created = await _france.PostJsonAsync("/api/v1/firearms", Firearm("TS-3002") with { Visibility = new VisibilityBody("countries", ["DE"]) });
        var id = (long)(await created.ExpectAsync(HttpStatusCode.Created))["id"]!;
        await (await _france.WithdrawAsync(created.Headers.Location!.ToString())).ExpectAsync(HttpStatusCode.NoContent);

        Assert.That((await ChangesAsync(_germany, before, 50)).Withdrawn.Select(w => (long)w["id"]!), Does.Contain(id));
        Assert.That((await ChangesAsync(_france, before, 50)).Withdrawn.Select(w => (long)w["id"]!), Does.Contain(id));
        Assert.That((await ChangesAsync(_italy, before, 50)).Withdrawn.Select(w => (long)w["id"]!), Does.Not.Contain(id));
    }

    /// <summary>Every live record the mirroring agency (Germany) sees, read in full.</summary>
    private async Task<Dictionary<long, JsonNode>> SourceAsync()
    {
        var source = new Dictionary<long, JsonNode>();
        string? cursor = null;
        do
        {
            var page = await (await _germany.GetAsync($"/api/v1/firearms?limit=200{(cursor is null ? "" : $"&cursor={cursor}")}")).ExpectAsync(HttpStatusCode.OK);
            foreach (var item in page["items"]!.AsArray())
            {
                source[(long)item!["id"]!] = item!;
            }
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        return source;
    }

    [Test]
    public async Task AMirrorKeptByUpdatedSinceEqualsTheSourceAfterRandomCreatesReplacesAndWithdrawals()
    {
        var random = new Random(15);
        // The mirror starts as a full copy (other tests of this fixture may have written records before).
        var lastSync = App.Clock.GetUtcNow();
        var mirror = await SourceAsync();
        var live = new Dictionary<long, (string Location, string ETag, FirearmBody Body)>();
        var owners = new[] { _france, _italy };

        for (var round = 0; round < 6; round++)
        {
            for (var step = 0; step < 12; step++)
            {
                App.Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 30)));
                var choice = random.Next(10);
                if (choice < 5 || live.Count == 0)
                {
                    var owner = owners[random.Next(owners.Length)];
                    var body = Firearm($"MR-{round}-{step}");
                    var response = await owner.PostJsonAsync("/api/v1/firearms", body);
                    var created = await response.ExpectAsync(HttpStatusCode.Created);
                    live[(long)created["id"]!] = (response.Headers.Location!.ToString(), response.Headers.ETag!.ToString(), body);
                }
                else
                {
                    var id = live.Keys.ElementAt(random.Next(live.Count));
                    var (location, etag, body) = live[id];
                    var owner = (string)(await (await _germany.GetAsync(location)).ExpectAsync(HttpStatusCode.OK))["ownerAgency"]! == "FR-NCB" ? _france : _italy;
                    if (choice < 8)
                    {
                        var changed = body with { Notes = $"round {round} step {step}" };
                        var response = await owner.SendJsonAsync(HttpMethod.Put, location, changed, ("If-Match", etag));
                        await response.ExpectAsync(HttpStatusCode.OK);
                        live[id] = (location, response.Headers.ETag!.ToString(), changed);
                    }
                    else
                    {
                        await (await owner.SendJsonAsync(HttpMethod.Delete, location, null, ("If-Match", etag))).ExpectAsync(HttpStatusCode.NoContent);
                        live.Remove(id);
                    }
                }
            }

            // The mirror asks for what changed since its last sync (inclusive, so a change at that instant is not missed).
            var syncAt = App.Clock.GetUtcNow();
            var (items, withdrawn) = await ChangesAsync(_germany, lastSync, random.Next(1, 8));
            foreach (var item in items)
            {
                mirror[(long)item["id"]!] = item;
            }
            foreach (var tombstone in withdrawn)
            {
                mirror.Remove((long)tombstone["id"]!);
            }
            lastSync = syncAt;

            var source = await SourceAsync();

            Assert.That(mirror.Keys.Order(), Is.EqualTo(source.Keys.Order()), $"Round {round}: the mirror holds exactly the live records.");
            foreach (var (id, record) in source)
            {
                Assert.That(JsonNode.DeepEquals(mirror[id], record), Is.True, $"Round {round}: record {id} is current in the mirror.");
            }
        }
    }
}
