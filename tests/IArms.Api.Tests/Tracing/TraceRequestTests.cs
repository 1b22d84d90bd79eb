using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using IArms.Api.Tracing;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Tracing;

public class TraceRequestTests : ApiFixture
{
    private const string Requests = "/api/v1/trace-requests";

    private static readonly PartyBody Maker = P("Glock GmbH", "manufacturer", "AT");
    private static readonly PartyBody Importer = P("Glock Inc.", "importer", "US");

    private HttpClient _requester = null!;
    private HttpClient _addressee = null!;
    private HttpClient _outsider = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _requester = await App.AgencyAsync("MX-FGR", "MX", "record", "trace", "search");
        _addressee = await App.AgencyAsync("AT-BKA", "AT", "trace", "search");
        _outsider = await App.AgencyAsync("BR-PF", "BR", "record", "trace", "search");
    }

    /// <summary>A seized pistol that only Mexico may see, as in a trace sent abroad before the record is shared.</summary>
    private async Task<long> MexicanSeizureAsync() =>
        await RecordAsync(_requester, Firearm("GLK-MX-" + Guid.NewGuid().ToString("N")[..6]) with
        {
            Status = "seized",
            EventCountryCode = "MX",
            // The answers below bring the pistol's manufacture, which must fall in the record's year.
            YearOfManufacture = 2020,
            Visibility = new VisibilityBody("countries", ["MX"]),
        });

    private async Task<JsonNode> AskAsync(long firearmId, string priority = "routine", string toAgency = "AT-BKA") =>
        await (await _requester.PostJsonAsync(Requests, new { firearmId, toAgency, priority, message = "Please trace this pistol." }))
            .ExpectAsync(HttpStatusCode.Created);

    private static object Answer(string outcome, string? reasonCode = null, params EventBody[] events) =>
        new { outcome, reasonCode, events, notes = "From the national register." };

    private string Days(int days) => DateOnly.FromDateTime(App.Clock.Now.UtcDateTime).AddDays(days).ToString("yyyy-MM-dd");

    [Test]
    public async Task ARequestAndItsAnswerTravelBetweenTwoAgenciesWithAnAlertAtEachStep()
    {
        var firearmId = await MexicanSeizureAsync();
        var seizure = await AddAsync(_requester, firearmId, Ev("seized", "2026-09-01", null, P("FGR Sonora", "police", "MX"), "MX"));
        await (await _addressee.GetAsync(Trace(firearmId))).ExpectProblemAsync(HttpStatusCode.NotFound);

        var request = await AskAsync(firearmId);
        var id = (long)request["id"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)request["status"], Is.EqualTo("open"));
            Assert.That((string?)request["fromAgency"], Is.EqualTo("MX-FGR"));
            Assert.That((string?)request["toAgency"], Is.EqualTo("AT-BKA"));
            Assert.That((string?)request["toCountry"], Is.EqualTo("AT"));
            Assert.That((string?)request["dueDate"], Is.EqualTo(Days(30)));
            Assert.That(request["answer"], Is.Null);
        });

        var incoming = (await AlertsAsync(_addressee, "trace-request")).Single(a => (long?)a["traceRequestId"] == id);
        Assert.That((long?)incoming["firearmId"], Is.EqualTo(firearmId));
        Assert.That((string?)incoming["fromAgency"], Is.EqualTo("MX-FGR"));

        var inbox = await (await _addressee.GetAsync($"{Requests}?direction=incoming&status=open")).ExpectAsync(HttpStatusCode.OK);
        var listed = inbox["items"]!.AsArray().Single(i => (long)i!["id"]! == id)!;
        Assert.That((string?)listed["firearm"]!["serialNumber"], Does.StartWith("GLK-MX-"));
        var report = await TraceAsync(_addressee, firearmId);
        Assert.That(report["chain"]!.AsArray().Select(e => (long)e!["id"]!), Is.EqualTo(new[] { seizure }));

        var answered = await (await _addressee.PostJsonAsync($"{Requests}/{id}/response", Answer("traced", null,
                Ev("manufactured", "2020-11-02", to: Maker, country: "AT"),
                Ev("exported", "2021-01-10", Maker, Importer, "AT", Auth("export-licence", "AT-2021-1")))))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That((string?)answered["status"], Is.EqualTo("answered"));
            Assert.That((string?)answered["answer"]!["outcome"], Is.EqualTo("traced"));
            Assert.That(answered["answer"]!["events"]!.AsArray().Select(e => (string?)e!["source"]), Is.EqualTo(new[] { "AT-BKA", "AT-BKA" }));
        });

        var answerAlert = (await AlertsAsync(_requester, "trace-answered")).Single(a => (long?)a["traceRequestId"] == id);
        Assert.That((string?)answerAlert["fromAgency"], Is.EqualTo("AT-BKA"));

        var chain = (await TraceAsync(_requester, firearmId))["chain"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(chain.Select(e => (string?)e!["type"]), Is.EqualTo(new[] { "manufactured", "exported", "seized" }));
            Assert.That(chain.Select(e => (string?)e!["source"]), Is.EqualTo(new[] { "AT-BKA", "AT-BKA", "MX-FGR" }));
            Assert.That(chain.Select(e => (long?)e!["traceRequestId"]), Is.EqualTo(new long?[] { id, id, null }));
        });
        var seen = await (await _requester.GetAsync($"{Requests}/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)seen["status"], Is.EqualTo("answered"));
    }

    [Test]
    public async Task OnlyTheAddresseeAnswersAndOnlyOnce()
    {
        var firearmId = await MexicanSeizureAsync();
        var id = (long)(await AskAsync(firearmId))["id"]!;
        var url = $"{Requests}/{id}/response";

        await (await _outsider.PostJsonAsync(url, Answer("not-traced", "no-record"))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.GetAsync($"{Requests}/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _requester.PostJsonAsync(url, Answer("not-traced", "no-record"))).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var answered = await (await _addressee.PostJsonAsync(url, Answer("not-traced", "records-destroyed"))).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)answered["answer"]!["reasonCode"], Is.EqualTo("records-destroyed"));
        await (await _addressee.PostJsonAsync(url, Answer("traced", null, Ev("manufactured", "2020-11-02", to: Maker, country: "AT"))))
            .ExpectProblemAsync(HttpStatusCode.Conflict);

        Assert.That((await TraceAsync(_requester, firearmId))["chain"]!.AsArray(), Is.Empty);
        Assert.That((await AlertsAsync(_requester, "trace-answered")).Count(a => (long?)a["traceRequestId"] == id), Is.EqualTo(1));
    }

    [Test]
    public async Task AnAnswerWithAnInvalidEventIsRefusedWholeAndTheRequestStaysOpen()
    {
        var firearmId = await MexicanSeizureAsync();
        var id = (long)(await AskAsync(firearmId))["id"]!;

        var response = await _addressee.PostJsonAsync($"{Requests}/{id}/response", Answer("partially-traced", null,
            Ev("manufactured", "2020-11-02", to: Maker, country: "AT"),
            Ev("exported", "2021-01-10", Maker, P("Somebody", "importer"))));
        await response.ExpectFieldErrorAsync("events[1].toParty.countryCode");

        var request = await (await _addressee.GetAsync($"{Requests}/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)request["status"], Is.EqualTo("open"));
        Assert.That((await TraceAsync(_requester, firearmId))["chain"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task AnAnswerEventDatedBeforeManufactureIsRefusedUnderItsIndex()
    {
        var firearmId = await RecordAsync(_requester, Firearm() with { YearOfManufacture = 2020 });
        var id = (long)(await AskAsync(firearmId))["id"]!;

        await (await _addressee.PostJsonAsync($"{Requests}/{id}/response", Answer("traced", null,
                Ev("manufactured", "2020-11-02", to: Maker, country: "AT"),
                Ev("sold", "2020-10-01", Maker, Importer, "AT"))))
            .ExpectFieldErrorAsync("events[1].date");
    }

    [Test]
    public async Task AnAnswerNeedsAKnownOutcomeAndAReasonWhenNotTraced()
    {
        var id = (long)(await AskAsync(await MexicanSeizureAsync()))["id"]!;
        var url = $"{Requests}/{id}/response";

        await (await _addressee.PostJsonAsync(url, Answer("found"))).ExpectFieldErrorAsync("outcome");
        await (await _addressee.PostJsonAsync(url, Answer("not-traced"))).ExpectFieldErrorAsync("reasonCode");
        await (await _addressee.PostJsonAsync(url, Answer("not-traced", "lost-it"))).ExpectFieldErrorAsync("reasonCode");
        await (await _addressee.PostJsonAsync(url, Answer("traced", "other"))).ExpectFieldErrorAsync("reasonCode");
    }

    [Test]
    public async Task ARequestToYourOwnAgencyOrAnUnknownAgencyIsRefused()
    {
        var firearmId = await MexicanSeizureAsync();

        var self = await _requester.PostJsonAsync(Requests, new { firearmId, toAgency = "MX-FGR", priority = "routine", message = "" });
        await self.ExpectFieldErrorAsync("toAgency");
        var unknown = await (await _requester.PostJsonAsync(Requests, new { firearmId, toAgency = "XX-NONE", priority = "routine", message = "" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.That((string?)unknown["detail"], Does.Contain("XX-NONE"));
    }

    [Test]
    public async Task ARequestNeedsAKnownPriorityAndADueDateNotInThePast()
    {
        var firearmId = await MexicanSeizureAsync();

        await (await _requester.PostJsonAsync(Requests, new { firearmId, toAgency = "AT-BKA", priority = "asap" })).ExpectFieldErrorAsync("priority");
        await (await _requester.PostJsonAsync(Requests, new { firearmId, toAgency = "AT-BKA", priority = "routine", dueDate = Days(-1) }))
            .ExpectFieldErrorAsync("dueDate");
        await (await _requester.PostJsonAsync(Requests, new { toAgency = "AT-BKA" })).ExpectFieldErrorAsync("firearmId");
        var chosen = await (await _requester.PostJsonAsync(Requests, new { firearmId, toAgency = "AT-BKA", priority = "routine", dueDate = Days(10) }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.That((string?)chosen["dueDate"], Is.EqualTo(Days(10)));
    }

    [Test]
    public async Task ARequestOnAFirearmTheRequesterMayNotSeeIsRefused()
    {
        var hidden = await MexicanSeizureAsync();

        await (await _outsider.PostJsonAsync(Requests, new { firearmId = hidden, toAgency = "AT-BKA", priority = "routine" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.PostJsonAsync(Requests, new { firearmId = 987_654, toAgency = "AT-BKA", priority = "routine" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task TheAddresseeReadsTheSharedFirearmUntilTheRequestIsClosedAndContributesOnlyByAnswering()
    {
        var firearmId = await MexicanSeizureAsync();
        var id = (long)(await AskAsync(firearmId))["id"]!;

        await TraceAsync(_addressee, firearmId);
        var direct = await (await _addressee.PostJsonAsync(Events(firearmId), Ev("manufactured", "2020-11-02", to: Maker, country: "AT")))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That((string?)direct["detail"], Does.Contain("answer a trace request"));
        await (await _addressee.PostJsonAsync($"{Requests}/{id}/close", new { })).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var closed = await (await _requester.PostJsonAsync($"{Requests}/{id}/close", new { })).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)closed["status"], Is.EqualTo("closed"));

        await (await _addressee.GetAsync(Trace(firearmId))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _addressee.PostJsonAsync(Events(firearmId), Ev("destroyed", "2021-01-01"))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _requester.PostJsonAsync($"{Requests}/{id}/close", new { })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await _addressee.PostJsonAsync($"{Requests}/{id}/response", Answer("not-traced", "no-record"))).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.That((await TraceAsync(_requester, firearmId))["chain"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task ListsShowIncomingAndOutgoingRequestsByStatus()
    {
        var firearmId = await MexicanSeizureAsync();
        var open = (long)(await AskAsync(firearmId))["id"]!;
        var answered = (long)(await AskAsync(firearmId))["id"]!;
        await (await _addressee.PostJsonAsync($"{Requests}/{answered}/response", Answer("not-traced", "no-record"))).ExpectAsync(HttpStatusCode.OK);

        async Task<long[]> Ids(HttpClient client, string query) =>
            (await (await client.GetAsync($"{Requests}?{query}")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(i => (long)i!["id"]!).ToArray();

        var outgoing = await Ids(_requester, "direction=outgoing");
        var requesterIncoming = await Ids(_requester, "direction=incoming");
        var incomingOpen = await Ids(_addressee, "direction=incoming&status=open");
        var incomingAnswered = await Ids(_addressee, "direction=incoming&status=answered");
        var outsiderSees = await Ids(_outsider, "");
        Assert.Multiple(() =>
        {
            Assert.That(outgoing, Does.Contain(open).And.Contain(answered));
            Assert.That(requesterIncoming, Does.Not.Contain(open));
            Assert.That(incomingOpen, Does.Contain(open).And.Not.Contain(answered));
            Assert.That(incomingAnswered, Does.Contain(answered).And.Not.Contain(open));
            Assert.That(outsiderSees, Does.Not.Contain(open));
        });
        await (await _requester.GetAsync($"{Requests}?direction=sideways")).ExpectFieldErrorAsync("direction");
        await (await _requester.GetAsync($"{Requests}?status=late")).ExpectFieldErrorAsync("status");
    }

    [Test]
    public async Task AnUnansweredRequestPastItsDueDateShowsOverdueAndAlertsTheRequesterOnce()
    {
        var firearmId = await MexicanSeizureAsync();
        var request = await AskAsync(firearmId, "urgent");
        var id = (long)request["id"]!;
        var answeredInTime = (long)(await AskAsync(firearmId, "urgent"))["id"]!;
        await (await _addressee.PostJsonAsync($"{Requests}/{answeredInTime}/response", Answer("not-traced", "no-record"))).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)request["dueDate"], Is.EqualTo(Days(2)));

        App.Clock.Advance(TimeSpan.FromDays(2));
        var sweep = App.Services.GetRequiredService<TraceOverdueSweep>();
        await sweep.SweepAsync(CancellationToken.None);
        var onDueDate = await (await _requester.GetAsync($"{Requests}/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)onDueDate["status"], Is.EqualTo("open"), "a request is due by the end of its due date");

        App.Clock.Advance(TimeSpan.FromDays(1));
        var late = await (await _requester.GetAsync($"{Requests}/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Multiple(() =>
        {
            Assert.That((string?)late["status"], Is.EqualTo("overdue"));
            Assert.That((bool?)late["overdue"], Is.True);
        });
        var listed = await (await _addressee.GetAsync($"{Requests}?direction=incoming&status=overdue")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(listed["items"]!.AsArray().Select(i => (long)i!["id"]!), Does.Contain(id).And.Not.Contain(answeredInTime));

        await sweep.SweepAsync(CancellationToken.None);
        await sweep.SweepAsync(CancellationToken.None);
        var alerts = await AlertsAsync(_requester, "trace-overdue");
        Assert.Multiple(() =>
        {
            Assert.That(alerts.Count(a => (long?)a["traceRequestId"] == id), Is.EqualTo(1));
            Assert.That(alerts.Count(a => (long?)a["traceRequestId"] == answeredInTime), Is.Zero);
        });

        // A late answer is still an answer, and the request no longer shows as overdue.
        var answered = await (await _addressee.PostJsonAsync($"{Requests}/{id}/response", Answer("not-traced", "pre-marking-era"))).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)answered["status"], Is.EqualTo("answered"));
    }

    [Test]
    public async Task TraceRequestRoutesNeedTheTraceRole()
    {
        using var searchOnly = await App.AgencyAsync("CL-PDI", "CL", "search");

        await (await searchOnly.GetAsync(Requests)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await searchOnly.PostJsonAsync(Requests, new { firearmId = 1, toAgency = "AT-BKA" })).ExpectAsync(HttpStatusCode.Forbidden);
        await (await searchOnly.GetAsync($"{Requests}/stats")).ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task AnAddresseeCannotPassABorrowedRecordOnToAThirdAgency()
    {
        var firearmId = await MexicanSeizureAsync();
        await AskAsync(firearmId);
        await (await _addressee.GetAsync(Trace(firearmId))).ExpectAsync(HttpStatusCode.OK);

        await (await _addressee.PostJsonAsync(Requests, new { firearmId, toAgency = "BR-PF", priority = "routine", message = "Forwarding." }))
            .ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.GetAsync(Trace(firearmId))).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task WithdrawingTheRecordClosesItsOpenRequests()
    {
        var firearmId = await MexicanSeizureAsync();
        var id = (long)(await AskAsync(firearmId))["id"]!;
        await (await _requester.WithdrawAsync($"/api/v1/firearms/{firearmId}")).ExpectAsync(HttpStatusCode.NoContent);

        var request = await (await _requester.GetAsync($"{Requests}/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)request["status"], Is.EqualTo("closed"));
        await (await _addressee.GetAsync(Trace(firearmId))).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ANullEventInAnAnswerIsABadRequest()
    {
        var firearmId = await MexicanSeizureAsync();
        var id = (long)(await AskAsync(firearmId))["id"]!;
        await (await _addressee.PostRawAsync($"{Requests}/{id}/response", "{\"outcome\":\"traced\",\"events\":[null]}"))
            .ExpectFieldErrorAsync("events[0]");
    }
}
