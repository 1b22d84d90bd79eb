using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Firearms;

public class VisibilityAndPagingTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _allowed = null!;
    private HttpClient _outsider = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("DE-BKA", "DE", "search", "record");
        _allowed = await App.AgencyAsync("BE-FPP", "BE", "search");
        _outsider = await App.AgencyAsync("US-ATF", "US", "search", "record");
    }

    private static async Task<List<JsonNode>> WalkAsync(HttpClient client, string query, int limit)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/api/v1/firearms?limit={limit}{query}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await (await client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            var batch = page["items"]!.AsArray().Select(i => i!).ToList();
            Assert.That(batch, Has.Count.LessThanOrEqualTo(limit));
            items.AddRange(batch);
            cursor = (string?)page["nextCursor"];
            Assert.That(++pages, Is.LessThan(1000), "paging does not end");
        }
        while (cursor is not null);
        return items;
    }

    [Test]
    public async Task ARestrictedRecordIsSeenOnlyByItsOwnerAndTheListedCountries()
    {
        var restricted = Firearm("RESTR-1") with { Visibility = new VisibilityBody("countries", ["BE", "NL"]) };
        var created = await (await _owner.PostJsonAsync("/api/v1/firearms", restricted)).ExpectAsync(HttpStatusCode.Created);
        var location = $"/api/v1/firearms/{(long)created["id"]!}";
        Assert.That(created["visibility"]!["countries"]!.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { "BE", "NL" }));

        await (await _owner.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
        await (await _allowed.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
        await (await _outsider.GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.DeleteAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.SendJsonAsync(HttpMethod.Put, location, restricted, ("If-Match", "\"1\""))).ExpectProblemAsync(HttpStatusCode.NotFound);

        var outsiderSees = await WalkAsync(_outsider, "", 50);
        Assert.That(outsiderSees.Select(i => (long)i["id"]!), Does.Not.Contain((long)created["id"]!));
        var allowedSees = await WalkAsync(_allowed, "", 50);
        Assert.That(allowedSees.Select(i => (long)i["id"]!), Does.Contain((long)created["id"]!));
    }

    [Test]
    public async Task PagingWalksEveryVisibleRecordExactlyOnce()
    {
        var mine = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            var record = Firearm($"PAGE-{i:D3}") with
            {
                Status = i % 2 == 0 ? "stolen" : "lost",
                Visibility = i % 5 == 0 ? new VisibilityBody("countries", ["FR"]) : new VisibilityBody("all"),
            };
            var created = await (await _owner.PostJsonAsync("/api/v1/firearms", record)).ExpectAsync(HttpStatusCode.Created);
            mine.Add((long)created["id"]!);
        }

        var ownerIds = (await WalkAsync(_owner, "", 4)).Select(i => (long)i["id"]!).ToList();
        Assert.That(ownerIds, Is.Unique);
        Assert.That(ownerIds, Is.Ordered);
        Assert.That(ownerIds, Is.SupersetOf(mine));

        var outsiderIds = (await WalkAsync(_outsider, "", 7)).Select(i => (long)i["id"]!).ToList();
        Assert.That(outsiderIds, Is.Unique);
        Assert.That(outsiderIds.Intersect(mine).Count(), Is.EqualTo(mine.Count - 5), "the five records restricted to FR are hidden from US");

        var lost = await WalkAsync(_owner, "&status=lost", 3);
        Assert.That(lost.Select(i => (string?)i["status"]), Is.All.EqualTo("lost"));
        Assert.That(lost.Select(i => (long)i["id"]!).Intersect(mine).Count(), Is.EqualTo(11));
    }

    [Test]
    public async Task ListFiltersNarrowTheRecords()
    {
        var rifle = Firearm("FILT-RIFLE") with { Type = "rifle", Make = "Steyr Mannlicher", EventCountryCode = "AT" };
        var created = await (await _outsider.PostJsonAsync("/api/v1/firearms", rifle)).ExpectAsync(HttpStatusCode.Created);
        var id = (long)created["id"]!;

        async Task<IEnumerable<long>> Ids(string query) => (await WalkAsync(_allowed, query, 50)).Select(i => (long)i["id"]!);
        Assert.That(await Ids("&type=rifle"), Does.Contain(id));
        Assert.That(await Ids("&type=pistol"), Does.Not.Contain(id));
        Assert.That(await Ids("&countryCode=AT"), Does.Contain(id));
        Assert.That(await Ids("&make=steyr%20mannlicher"), Does.Contain(id));
        Assert.That(await Ids("&make=Glock"), Does.Not.Contain(id));
        Assert.That(await Ids("&updatedSince=2026-11-29T08:59:00Z"), Does.Contain(id));
        Assert.That(await Ids("&updatedSince=2026-11-29T09:01:00Z"), Does.Not.Contain(id));
    }

    [TestCase("limit=0", "limit")]
    [TestCase("cursor=not-a-cursor", "cursor")]
    [TestCase("status=misplaced", "status")]
    [TestCase("type=cannon", "type")]
    [TestCase("countryCode=XX", "countryCode")]
    public async Task BadListParametersAreRejected(string query, string field)
    {
        await (await _owner.GetAsync($"/api/v1/firearms?{query}")).ExpectFieldErrorAsync(field);
    }

    [TestCase("limit=abc")]
    [TestCase("updatedSince=yesterday")]
    [TestCase("limit=99999999999999999999")]
    public async Task UnparsableListParametersAreBadRequests(string query)
    {
        var problem = await (await _owner.GetAsync($"/api/v1/firearms?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.That((string?)problem["detail"], Does.Contain(query.Split('=')[0]));
    }

    [TestCase("/api/v1/firearms?limit=201")]
    [TestCase("/api/v1/firearms?limit=100000")]
    [TestCase("/api/v1/alerts?limit=201")]
    [TestCase("/api/v1/agencies?limit=201")]
    public async Task ALimitAboveTheMaximumIsRefusedAsTheContractSays(string url)
    {
        var messages = await (await _owner.GetAsync(url)).ExpectFieldErrorAsync("limit");
        Assert.That(messages, Has.Some.Contain("between 1 and 200"));
    }

    [Test]
    public async Task TheMaximumLimitItselfIsAccepted()
    {
        await (await _owner.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
    }
}
