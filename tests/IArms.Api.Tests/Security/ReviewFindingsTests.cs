using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Security;

/// <summary>
/// Findings of the security review of issue 11 as merged: what an agency with a valid key could still read or
/// store, each as the attack that found it.
/// </summary>
public class ReviewFindingsTests : ApiFixture
{
    private const string Requests = "/api/v1/trace-requests";

    private HttpClient _owner = null!;
    private HttpClient _italy = null!;
    private HttpClient _belgium = null!;
    private HttpClient _germany = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-PN", "FR", "record", "trace", "search", "audit");
        _italy = await App.AgencyAsync("IT-PS", "IT", "record", "trace", "search", "audit");
        _belgium = await App.AgencyAsync("BE-FPP", "BE", "record", "trace", "search");
        _germany = await App.AgencyAsync("DE-BKA", "DE", "trace", "search");
    }

    private static FirearmBody Restricted(params string[] countries) =>
        Firearm("REV-" + Guid.NewGuid().ToString("N")[..8]) with { Visibility = new VisibilityBody("countries", countries) };

    private static async Task<long> OpenAsync(HttpClient requester, long firearmId, string toAgency) =>
        (long)(await (await requester.PostJsonAsync(Requests, new { firearmId, toAgency, priority = "routine", message = "Please trace." }))
            .ExpectAsync(HttpStatusCode.Created))["id"]!;

    private async Task NarrowAsync(long id, FirearmBody body, params string[] countries)
    {
        var location = $"/api/v1/firearms/{id}";
        var etag = (await _owner.GetAsync(location)).Headers.ETag!.ToString();
        await (await _owner.SendJsonAsync(HttpMethod.Put, location, body with { Visibility = new VisibilityBody("countries", countries) }, ("If-Match", etag)))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [TestCase("\u001b[2J")]
    [TestCase("wrong \u202erecord")]
    [TestCase("wrong\u0000record")]
    public async Task ARetractionReasonWithControlEscapeOrBidiCharactersIsRefusedAndTheEventStaysLive(string reason)
    {
        var id = await RecordAsync(_owner);
        var ev = await AddAsync(_owner, id, Ev("manufactured", "2015-01-01", null, P("Glock GmbH", "manufacturer", "AT"), "AT"));

        var messages = await (await _owner.PostJsonAsync($"{Events(id)}/{ev}/retract", new { reason })).ExpectFieldErrorAsync("reason");

        Assert.That(messages, Is.Not.Empty);
        var chain = (await (await _owner.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.OK))["chain"]!.AsArray();
        Assert.That(chain.Single()!["retractedAt"], Is.Null);
    }

    [Test]
    public async Task ARequesterNarrowedOutOfTheRecordIsAlertedOfTheAnswerWithoutTheFirearmOrWhatTheAnswerAddedToItsChain()
    {
        var body = Restricted("IT", "BE");
        var id = await RecordAsync(_owner, body);
        var request = await OpenAsync(_italy, id, "BE-FPP");
        await NarrowAsync(id, body, "BE");

        await (await _belgium.PostJsonAsync($"{Requests}/{request}/response", new
        {
            outcome = "traced",
            events = new[] { Ev("sold", "2016-01-01", P("Glock GmbH", "manufacturer", "AT"), P("Armurerie Liège", "dealer", "BE"), "BE") },
            notes = "",
        })).ExpectAsync(HttpStatusCode.OK);

        var alert = (await AlertsAsync(_italy, "trace-answered")).Single(a => (long?)a["traceRequestId"] == request);
        Assert.Multiple(() =>
        {
            Assert.That((long?)alert["firearmId"], Is.Null, "Italy no longer sees the record");
            Assert.That((string?)alert["message"], Does.Contain($"trace request {request}").And.Not.Contain("event").And.Not.Contain($"firearm {id}"));
        });
        await (await _italy.GetAsync($"/api/v1/firearms/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ARequesterThatStillSeesTheRecordIsAlertedOfTheAnswerWithTheFirearmAndItsEvents()
    {
        var id = await RecordAsync(_owner, Restricted("IT", "BE"));
        var request = await OpenAsync(_italy, id, "BE-FPP");

        await (await _belgium.PostJsonAsync($"{Requests}/{request}/response", new { outcome = "not-traced", reasonCode = "no-record", notes = "" }))
            .ExpectAsync(HttpStatusCode.OK);

        var alert = (await AlertsAsync(_italy, "trace-answered")).Single(a => (long?)a["traceRequestId"] == request);
        Assert.Multiple(() =>
        {
            Assert.That((long?)alert["firearmId"], Is.EqualTo(id));
            Assert.That((string?)alert["message"], Does.Contain($"firearm {id}").And.Contain("not-traced (no-record), 0 events"));
        });
    }

    [Test]
    public async Task TheOwnerAddressedByAnotherAgencySeesItsOwnFirearmInTheRequestWhateverCountriesTheVisibilityNames()
    {
        // A record of FR restricted to IT only: the owner sees it as its own, and a request about it sent to the owner
        // shares nothing the owner does not hold.
        var id = await RecordAsync(_owner, Restricted("IT"));
        var request = await OpenAsync(_italy, id, "FR-PN");

        var seen = await (await _owner.GetAsync($"{Requests}/{request}")).ExpectAsync(HttpStatusCode.OK);

        Assert.That((long?)seen["firearm"]?["id"], Is.EqualTo(id));
    }

    [Test]
    public async Task TraceRequestStatsCountNoRequestAboutARecordTheCallerMayNotSee()
    {
        // Germany receives requests in this fixture only here: its row is this test's.
        var id = await RecordAsync(_owner, Restricted("IT"));
        await OpenAsync(_owner, id, "DE-BKA");

        async Task<JsonNode?> GermanyAsync(HttpClient client) =>
            (await (await client.GetAsync($"{Requests}/stats")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray()
                .SingleOrDefault(s => (string?)s!["countryCode"] == "DE");

        Assert.That((int?)(await GermanyAsync(_owner))?["requestsReceived"], Is.EqualTo(1), "the owner sees its record");
        Assert.That(await GermanyAsync(_belgium), Is.Null, "Belgium may not see the record, nor count the request about it");
        Assert.That(await GermanyAsync(_italy), Is.Not.Null, "Italy may see the record");
    }

    [TestCase("%1B%5B2J")]
    [TestCase("FR%E2%80%AEPN")]
    public async Task ARequestPathWithControlOrBidiCharactersIsAuditedEscapedEvenWithoutAValidKey(string code)
    {
        using var stranger = App.ClientWithKey("not-a-key");
        // An address of its own per case: failed attempts from one address are audited once a minute.
        var address = $"203.0.113.{code.Length}";
        await (await stranger.SendJsonAsync(HttpMethod.Get, $"/api/v1/agencies/{code}/api-keys", null, (IArmsApplication.RemoteAddressHeader, address)))
            .ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await _italy.GetAsync($"/api/v1/agencies/{code}/api-keys")).ExpectProblemAsync(HttpStatusCode.Forbidden);

        using var hq = App.Admin();
        var entries = (await (await hq.GetAsync("/api/v1/audit?limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray()
            .Where(e => ((string?)e!["query"])!.Contains(code, StringComparison.Ordinal)).ToList();

        Assert.That(entries.Select(e => (string?)e!["outcome"]), Is.SupersetOf(new[] { "failed-authentication", "denied" }));
        Assert.That(entries.Select(e => (string?)e!["objectId"]), Is.All.EqualTo($"agencies/{code}/api-keys"),
            "the object is the path as sent, escaped: a terminal escape or a bidi override must not reach whoever reads the log");
    }
}
