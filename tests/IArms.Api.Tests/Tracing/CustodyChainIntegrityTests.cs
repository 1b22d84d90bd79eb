using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Tracing;

/// <summary>
/// Issue 11, defect 4: only the owner writes a record's chain directly, the chain has one manufactured event
/// that comes first, and an event's source may retract it (kept, marked, audited, left out of the analysis).
/// </summary>
public class CustodyChainIntegrityTests : ApiFixture
{
    private const string Requests = "/api/v1/trace-requests";

    private static readonly PartyBody Maker = P("Glock GmbH", "manufacturer", "AT");
    private static readonly PartyBody Dealer = P("Waffen Huber", "dealer", "AT");
    private static readonly PartyBody Buyer = P("Anna Berg", "private-person", "AT");

    private HttpClient _owner = null!;
    private HttpClient _visible = null!;
    private HttpClient _outsider = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("AT-BKA", "AT", "record", "trace", "search", "audit");
        _visible = await App.AgencyAsync("FR-OCLCO", "FR", "record", "trace", "search");
        _outsider = await App.AgencyAsync("US-ATF", "US", "record", "trace", "search");
    }

    private static string Retract(long firearmId, long eventId) => $"{Events(firearmId)}/{eventId}/retract";

    private async Task<long> AustrianRecordAsync(int? year = 2015) =>
        await RecordAsync(_owner, Firearm() with { YearOfManufacture = year, Visibility = new VisibilityBody("countries", ["FR"]) });

    [Test]
    public async Task AnAgencyThatSeesTheRecordButDoesNotOwnItIsToldToAnswerATraceRequestInstead()
    {
        var id = await AustrianRecordAsync();

        var refused = await (await _visible.PostJsonAsync(Events(id), Ev("manufactured", "0001-01-01", to: Maker, country: "AT")))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await _outsider.PostJsonAsync(Events(id), Ev("manufactured", "2015-03-02", to: Maker, country: "AT")))
            .ExpectProblemAsync(HttpStatusCode.NotFound);

        Assert.That((string?)refused["detail"], Does.Contain("owner").And.Contain("trace request"));
        Assert.That((await TraceAsync(_owner, id))["chain"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task AManufacturedEventDatedYearOneIsRefused()
    {
        var id = await AustrianRecordAsync(year: null);

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("manufactured", "0001-01-01", to: Maker, country: "AT")))
            .ExpectFieldErrorAsync("date");

        Assert.That(messages, Has.Some.Contains("1800"));
    }

    [Test]
    public async Task AManufacturedEventInAnotherYearThanTheRecordsIsRefused()
    {
        var id = await AustrianRecordAsync(year: 2015);

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("manufactured", "2014-06-01", to: Maker, country: "AT")))
            .ExpectFieldErrorAsync("date");

        Assert.That(messages, Has.Some.Contains("2015"));
    }

    [Test]
    public async Task AManufacturedEventAfterTheChainsOtherEventsIsRefusedAndTheOwnersValidEventsAreNotBlocked()
    {
        var id = await AustrianRecordAsync(year: null);
        await AddAsync(_owner, id, Ev("sold", "2016-05-01", Maker, Dealer, "AT"));

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("manufactured", "2021-01-01", to: Maker, country: "AT")))
            .ExpectFieldErrorAsync("date");
        Assert.That(messages, Has.Some.Contains("2016-05-01"));

        // The owner's own valid events still go in: nothing late now claims to be the manufacture.
        await AddAsync(_owner, id, Ev("manufactured", "2016-01-10", to: Maker, country: "AT"));
        await AddAsync(_owner, id, Ev("sold", "2016-03-01", Maker, Dealer, "AT"));
        var chain = (await TraceAsync(_owner, id))["chain"]!.AsArray();
        Assert.That(chain.Select(e => (string?)e!["date"]), Is.EqualTo(new[] { "2016-01-10", "2016-03-01", "2016-05-01" }));
    }

    [Test]
    public async Task ASecondManufacturedEventIsRefusedUnderType()
    {
        var id = await AustrianRecordAsync();
        await AddAsync(_owner, id, Ev("manufactured", "2015-03-02", to: Maker, country: "AT"));

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("manufactured", "2015-03-01", to: Maker, country: "AT")))
            .ExpectFieldErrorAsync("type");

        Assert.That(messages.Single(), Does.Contain("manufactured"));
    }

    [Test]
    public async Task AnEventBefore1800IsRefused()
    {
        var id = await AustrianRecordAsync(year: null);

        await (await _owner.PostJsonAsync(Events(id), Ev("sold", "1799-12-31", Maker, Dealer, "AT"))).ExpectFieldErrorAsync("date");
    }

    [Test]
    public async Task TheSourceRetractsItsEventWhichStaysInTheChainMarkedAndLeavesTheAnalysis()
    {
        var id = await AustrianRecordAsync();
        await AddAsync(_owner, id, Ev("sold", "2016-01-01", Maker, Buyer, "AT"));
        var theft = await AddAsync(_owner, id, Ev("reported-stolen", "2020-02-02", Buyer, null, "AT"));
        Assert.That((string?)(await TraceAsync(_owner, id))["diversion"]!["reason"], Is.EqualTo("theft"));

        var retracted = await (await _owner.PostJsonAsync(Retract(id, theft), new { reason = "Entered on the wrong record." }))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That((long?)retracted["id"], Is.EqualTo(theft));
            Assert.That(retracted["retractedAt"], Is.Not.Null);
            Assert.That((string?)retracted["retractedBy"], Is.EqualTo("AT-BKA"));
            Assert.That((string?)retracted["retractionReason"], Is.EqualTo("Entered on the wrong record."));
        });
        var report = await TraceAsync(_owner, id);
        var entry = report["chain"]!.AsArray().Single(e => (long)e!["id"]! == theft)!;
        Assert.Multiple(() =>
        {
            Assert.That(report["chain"]!.AsArray(), Has.Count.EqualTo(2), "a retracted event is kept in the chain");
            Assert.That((string?)entry["retractedBy"], Is.EqualTo("AT-BKA"));
            Assert.That((string?)entry["retractionReason"], Is.EqualTo("Entered on the wrong record."));
            Assert.That(report["diversion"], Is.Null, "the analysis no longer sees the theft");
        });
        var audit = await (await _owner.GetAsync("/api/v1/audit?action=custody-event-retracted")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(audit["items"]!.AsArray().Select(e => (string?)e!["query"]), Has.Some.Contains($"custody event {theft}"));
    }

    [Test]
    public async Task OnlyTheEventsSourceRetractsItAndOnlyOnce()
    {
        var id = await AustrianRecordAsync();
        var request = (long)(await (await _owner.PostJsonAsync(Requests, new { firearmId = id, toAgency = "FR-OCLCO", priority = "routine" }))
            .ExpectAsync(HttpStatusCode.Created))["id"]!;
        var answer = await (await _visible.PostJsonAsync($"{Requests}/{request}/response", new
        {
            outcome = "traced",
            events = new[] { Ev("sold", "2016-01-01", Maker, Dealer, "AT") },
            notes = "",
        })).ExpectAsync(HttpStatusCode.OK);
        var sale = (long)answer["answer"]!["events"]![0]!["id"]!;

        var byOwner = await (await _owner.PostJsonAsync(Retract(id, sale), new { reason = "Not ours." })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That((string?)byOwner["detail"], Does.Contain("FR-OCLCO"));
        await (await _outsider.PostJsonAsync(Retract(id, sale), new { reason = "Not ours." })).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _visible.PostJsonAsync(Retract(id, sale), new { reason = " " })).ExpectFieldErrorAsync("reason");
        await (await _visible.PostJsonAsync(Retract(id, 987_654), new { reason = "Typo." })).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _visible.PostJsonAsync(Retract(id, sale), new { reason = "Typo in the date." })).ExpectAsync(HttpStatusCode.OK);
        await (await _visible.PostJsonAsync(Retract(id, sale), new { reason = "Again." })).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task ARetractedManufacturedEventMakesRoomForTheRightOne()
    {
        var id = await AustrianRecordAsync();
        var wrong = await AddAsync(_owner, id, Ev("manufactured", "2015-12-30", to: Maker, country: "AT"));
        await (await _owner.PostJsonAsync(Retract(id, wrong), new { reason = "Wrong date." })).ExpectAsync(HttpStatusCode.OK);

        var right = await AddAsync(_owner, id, Ev("manufactured", "2015-03-02", to: Maker, country: "AT"));

        var chain = (await TraceAsync(_owner, id))["chain"]!.AsArray();
        Assert.That(chain.Select(e => ((long)e!["id"]!, e["retractedAt"] is not null)), Is.EqualTo(new[] { (right, false), (wrong, true) }));
    }
}
