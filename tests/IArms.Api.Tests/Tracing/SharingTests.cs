using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Tracing;

/// <summary>
/// Issue 11, defects 1 and 2: a trace request shares a record only inside the owner's decision (its visibility,
/// or an explicit share by the owner), and the share ends when the request is closed, the record withdrawn or,
/// for a share the owner did not make, when the visibility no longer covers the addressee.
/// </summary>
public class SharingTests : ApiFixture
{
    private const string Requests = "/api/v1/trace-requests";

    private HttpClient _owner = null!;
    private HttpClient _italy = null!;
    private HttpClient _germany = null!;
    private HttpClient _belgium = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-PN", "FR", "record", "trace", "search", "audit");
        _italy = await App.AgencyAsync("IT-PS", "IT", "record", "trace", "search");
        _germany = await App.AgencyAsync("DE-BKA", "DE", "record", "trace", "search");
        _belgium = await App.AgencyAsync("BE-FPP", "BE", "trace", "search");
    }

    private static FirearmBody Restricted(params string[] countries) =>
        Firearm("SHR-" + Guid.NewGuid().ToString("N")[..8]) with { Visibility = new VisibilityBody("countries", countries) };

    private static Task<HttpResponseMessage> AskAsync(HttpClient requester, long firearmId, string toAgency) =>
        requester.PostJsonAsync(Requests, new { firearmId, toAgency, priority = "routine", message = "Please trace." });

    private static async Task<long> OpenAsync(HttpClient requester, long firearmId, string toAgency) =>
        (long)(await (await AskAsync(requester, firearmId, toAgency)).ExpectAsync(HttpStatusCode.Created))["id"]!;

    private static async Task<JsonNode> RequestAsync(HttpClient party, long id) =>
        await (await party.GetAsync($"{Requests}/{id}")).ExpectAsync(HttpStatusCode.OK);

    private static object NotTraced => new { outcome = "not-traced", reasonCode = "no-record", notes = "" };

    [Test]
    public async Task ARequestToAnAgencyOutsideTheRecordsVisibilityIsRefusedAndTheAgencySeesNothingOfTheFirearm()
    {
        var body = Restricted("IT");
        var id = await RecordAsync(_owner, body);

        var refused = await (await AskAsync(_italy, id, "DE-BKA")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Multiple(() =>
        {
            Assert.That((string?)refused["detail"], Does.Contain("visibility").And.Contain("owner"));
            Assert.That(refused["errors"]!["toAgency"]!.AsArray().Select(m => (string)m!).Single(), Does.Contain("DE-BKA"));
        });
        await (await _germany.GetAsync($"/api/v1/firearms/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _germany.GetAsync(Trace(id))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _germany.PostJsonAsync(Events(id), Ev("destroyed", "2020-01-01"))).ExpectProblemAsync(HttpStatusCode.NotFound);
        var incoming = await (await _germany.GetAsync($"{Requests}?direction=incoming")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(incoming["items"]!.AsArray().Select(i => (long)i!["firearmId"]!), Does.Not.Contain(id));
        Assert.That((await AlertsAsync(_germany, "trace-request")).Select(a => (long?)a["firearmId"]), Does.Not.Contain(id));
        Assert.That((await AlertsAsync(_owner, "record-shared")).Select(a => (long?)a["firearmId"]), Does.Not.Contain(id));
    }

    [Test]
    public async Task TheOwnerMayShareItsRecordWithAnAgencyOutsideItsVisibilityAndTheShareIsAudited()
    {
        var id = await RecordAsync(_owner, Restricted("IT"));

        var request = await OpenAsync(_owner, id, "DE-BKA");

        var seen = await RequestAsync(_germany, request);
        Assert.That((long?)seen["firearm"]!["id"], Is.EqualTo(id));
        await (await _germany.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.OK);
        // The owner knows what it did itself: no alert for its own share, but an audit entry.
        Assert.That((await AlertsAsync(_owner, "record-shared")).Select(a => (long?)a["firearmId"]), Does.Not.Contain(id));
        var audit = await (await _owner.GetAsync("/api/v1/audit?action=trace-request-shared")).ExpectAsync(HttpStatusCode.OK);
        var entry = audit["items"]!.AsArray().Single(e => ((string?)e!["query"])!.Contains($"trace request {request}"))!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)entry["agency"], Is.EqualTo("FR-PN"));
            Assert.That((string?)entry["query"], Does.Contain("DE-BKA").And.Contain($"firearm {id}"));
        });
    }

    [Test]
    public async Task TheOwnerIsAlertedWhenAnotherAgencySharesItsRecordInsideItsVisibility()
    {
        var id = await RecordAsync(_owner, Restricted("IT", "BE"));

        var request = await OpenAsync(_italy, id, "BE-FPP");

        var alert = (await AlertsAsync(_owner, "record-shared")).Single(a => (long?)a["firearmId"] == id);
        Assert.Multiple(() =>
        {
            Assert.That((long?)alert["traceRequestId"], Is.EqualTo(request));
            Assert.That((string?)alert["fromAgency"], Is.EqualTo("IT-PS"));
            Assert.That((string?)alert["message"], Does.Contain("IT-PS").And.Contain("BE-FPP"));
        });
    }

    [Test]
    public async Task AClosedRequestShowsNoFirearmToEitherPartyAndTheTraceAnswers404()
    {
        var id = await RecordAsync(_owner, Restricted("IT"));
        var request = await OpenAsync(_owner, id, "DE-BKA");
        await (await _germany.PostJsonAsync($"{Requests}/{request}/response", new
        {
            outcome = "traced",
            events = new[] { Ev("sold", "2016-01-01", P("Glock GmbH", "manufacturer", "AT"), P("Waffen Huber", "dealer", "DE"), "DE") },
            notes = "Sold to a German dealer.",
        })).ExpectAsync(HttpStatusCode.OK);
        await (await _owner.PostJsonAsync($"{Requests}/{request}/close", new { })).ExpectAsync(HttpStatusCode.OK);

        var seen = await RequestAsync(_germany, request);
        Assert.Multiple(() =>
        {
            Assert.That((string?)seen["status"], Is.EqualTo("closed"));
            Assert.That((long?)seen["firearmId"], Is.EqualTo(id));
            Assert.That(seen["firearm"], Is.Null);
            Assert.That((string?)seen["answer"]!["notes"], Is.EqualTo("Sold to a German dealer."), "the conversation stays");
            Assert.That(seen["answer"]!["events"]!.AsArray(), Is.Empty, "the chain's events are the record's detail");
        });
        Assert.That((await RequestAsync(_owner, request))["firearm"], Is.Null);
        await (await _germany.GetAsync(Trace(id))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _germany.PostJsonAsync($"{Requests}/{request}/response", NotTraced)).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task AWithdrawnRecordsRequestShowsNoFirearmAndTheTraceAnswers404()
    {
        var id = await RecordAsync(_owner, Restricted("IT"));
        var request = await OpenAsync(_owner, id, "DE-BKA");
        await (await _owner.WithdrawAsync($"/api/v1/firearms/{id}")).ExpectAsync(HttpStatusCode.NoContent);

        var seen = await RequestAsync(_germany, request);
        Assert.That(seen["firearm"], Is.Null);
        await (await _germany.GetAsync(Trace(id))).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task NarrowingTheVisibilityEndsAnotherAgencysShareButNotTheOwnersOwn()
    {
        var body = Restricted("IT", "BE");
        var id = await RecordAsync(_owner, body);
        var italian = await OpenAsync(_italy, id, "BE-FPP");
        var owners = await OpenAsync(_owner, id, "DE-BKA");
        Assert.That((await RequestAsync(_belgium, italian))["firearm"], Is.Not.Null);

        var location = $"/api/v1/firearms/{id}";
        var etag = (await _owner.GetAsync(location)).Headers.ETag!.ToString();
        await (await _owner.SendJsonAsync(HttpMethod.Put, location, body with { Visibility = new VisibilityBody("countries", ["IT"]) }, ("If-Match", etag)))
            .ExpectAsync(HttpStatusCode.OK);

        var addressee = await RequestAsync(_belgium, italian);
        var requester = await RequestAsync(_italy, italian);
        var sharedByOwner = await RequestAsync(_germany, owners);
        Assert.Multiple(() =>
        {
            Assert.That(addressee["firearm"], Is.Null);
            Assert.That(requester["firearm"], Is.Null, "the request no longer shares the firearm");
            Assert.That(sharedByOwner["firearm"], Is.Not.Null, "the owner's own share stands until closed");
        });
        await (await _belgium.GetAsync(Trace(id))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _belgium.PostJsonAsync($"{Requests}/{italian}/response", NotTraced)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _germany.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.OK);
        // The requester itself still sees the record, which names its country.
        await (await _italy.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.OK);
    }
}
