using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Search;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Search;

/// <summary>
/// Issue 11, defect 3: records a caller may not see must not change its answer. Before visibility was applied
/// inside candidate selection, a hidden exact serial stopped the search before a visible near match was read,
/// and a hidden range of serials filled the 250-candidate cap, so that <c>truncated</c> told them apart.
/// </summary>
public class SearchVisibilityTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _germany = null!;
    private HttpClient _belgium = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _germany = await App.AgencyAsync("DE-BKA", "DE", "search");
        _belgium = await App.AgencyAsync("BE-FPP", "BE", "search");
    }

    private async Task<long> RecordAsync(string serial, bool hidden, string make = "Glock")
    {
        var body = Firearm(serial) with
        {
            Make = make,
            Visibility = hidden ? new VisibilityBody("countries", ["BE"]) : new VisibilityBody("all"),
        };
        return (long)(await (await _owner.PostJsonAsync("/api/v1/firearms", body)).ExpectAsync(HttpStatusCode.Created))["id"]!;
    }

    private static async Task<JsonNode> SearchAsync(HttpClient client, string serial) =>
        await (await client.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, purpose = "seizure" })).ExpectAsync(HttpStatusCode.OK);

    private static List<long> Ids(JsonNode answer) => answer["results"]!.AsArray().Select(r => (long)r!["firearm"]!["id"]!).ToList();

    [Test]
    public async Task AHiddenRecordWithTheExactSerialDoesNotHideAVisibleNearMatch()
    {
        var hidden = await RecordAsync("LEAK 7730 41", hidden: true);
        var near = await RecordAsync("LEAK 7730 14", hidden: false);

        var answer = await SearchAsync(_germany, "LEAK773041");

        Assert.That(Ids(answer), Is.EqualTo(new[] { near }));
        Assert.That((string)answer["results"]![0]!["match"]!, Is.EqualTo("fuzzy"));
        Assert.That((bool)answer["truncated"]!, Is.False);
        // Belgium may see both: its exact match answers the search, as before.
        Assert.That(Ids(await SearchAsync(_belgium, "LEAK773041")), Is.EqualTo(new[] { hidden }));
    }

    [Test]
    public async Task HiddenSerialsThatChangeWhichTrigramsAreRarestDoNotStopTheSearchBeforeTwoEdits()
    {
        // Two visible serials two edits from the query; only the first holds the trigrams that become the query's
        // rarest once the hidden serials below make its first two trigrams common and give every trigram a holder.
        var transposed = await RecordAsync("KH47TWNRA", hidden: false);
        var substituted = await RecordAsync("HK4TTWNRA", hidden: false);
        var before = await SearchAsync(_germany, "HK47TWNR");

        await RecordAsync("HK47TWNR", hidden: true);
        foreach (var noise in new[] { "HK47AAA", "HK47CCC", "HK47EEE" })
        {
            await RecordAsync(noise, hidden: true);
        }
        var after = await SearchAsync(_germany, "HK47TWNR");

        Assert.That(Ids(before), Is.EquivalentTo(new[] { transposed, substituted }));
        Assert.That(Without(after, "searchId"), Is.EqualTo(Without(before, "searchId")));
    }

    private static string Without(JsonNode answer, string property)
    {
        var copy = answer.DeepClone().AsObject();
        copy.Remove(property);
        return copy.ToJsonString();
    }

    [Test]
    public async Task TruncatedSaysNothingAboutRecordsTheCallerMayNotSee()
    {
        // More hidden serials share the beginning than the range cap reads, and sort before the visible ones.
        for (var i = 0; i < SerialSearch.RangeCandidateCap + 5; i++)
        {
            await RecordAsync($"CAPX{i:D4}", hidden: true);
        }
        var visible = new[] { await RecordAsync("CAPXW001", hidden: false), await RecordAsync("CAPXW002", hidden: false) };
        await RecordAsync("CAPYW001", hidden: false);

        var withHidden = await SearchAsync(_germany, "CAPX*");
        var withoutHidden = await SearchAsync(_germany, "CAPY*");

        Assert.That(Ids(withHidden), Is.EquivalentTo(visible));
        Assert.That((bool)withHidden["truncated"]!, Is.False);
        Assert.That((bool)withoutHidden["truncated"]!, Is.EqualTo((bool)withHidden["truncated"]!));
        Assert.That((bool)(await SearchAsync(_belgium, "CAPX*"))["truncated"]!, Is.True, "Belgium sees more serials than the cap reads");
    }

    [Test]
    public async Task NarrowingARecordsVisibilityOnPutTakesItOutOfOthersSearchesAtOnce()
    {
        var body = Firearm("NARROW 5521 77") with { Visibility = new VisibilityBody("all") };
        var created = await _owner.PostJsonAsync("/api/v1/firearms", body);
        var id = (long)(await created.ExpectAsync(HttpStatusCode.Created))["id"]!;
        Assert.That(Ids(await SearchAsync(_germany, "NARROW552177")), Is.EqualTo(new[] { id }));

        await (await _owner.SendJsonAsync(HttpMethod.Put, created.Headers.Location!.ToString(),
                body with { Visibility = new VisibilityBody("countries", ["BE"]) }, ("If-Match", created.Headers.ETag!.ToString())))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.That(Ids(await SearchAsync(_germany, "NARROW552177")), Is.Empty);
        Assert.That(Ids(await SearchAsync(_belgium, "NARROW552177")), Is.EqualTo(new[] { id }));
    }
}
