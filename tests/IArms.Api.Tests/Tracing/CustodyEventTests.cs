using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Tracing;

public class CustodyEventTests : ApiFixture
{
    private static readonly PartyBody Maker = P("Glock GmbH", "manufacturer", "AT");
    private static readonly PartyBody Importer = P("Glock France SAS", "importer", "FR");

    private HttpClient _owner = null!;
    private HttpClient _tracer = null!;
    private HttpClient _searchOnly = null!;
    private HttpClient _outsider = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("AT-BKA", "AT", "record", "search");
        _tracer = await App.AgencyAsync("FR-OCLCO", "FR", "trace", "search");
        _searchOnly = await App.AgencyAsync("BE-FPP", "BE", "search");
        _outsider = await App.AgencyAsync("US-ATF", "US", "record", "trace", "search");
    }

    [Test]
    public async Task AnEventIsStoredWithTheOwnersAgencyAsSource()
    {
        var id = await RecordAsync(_owner);

        var created = await (await _owner.PostJsonAsync(Events(id), Ev("exported", "2015-06-01", Maker, Importer, "AT", Auth("export-licence", "AT-EL-1"))))
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Multiple(() =>
        {
            Assert.That((long)created["id"]!, Is.GreaterThan(0));
            Assert.That((long)created["firearmId"]!, Is.EqualTo(id));
            Assert.That((string?)created["type"], Is.EqualTo("exported"));
            Assert.That((string?)created["source"], Is.EqualTo("AT-BKA"));
            Assert.That((string?)created["authorization"]!["kind"], Is.EqualTo("export-licence"));
            Assert.That((string?)created["authorization"]!["reference"], Is.EqualTo("AT-EL-1"));
            Assert.That((string?)created["toParty"]!["countryCode"], Is.EqualTo("FR"));
        });
    }

    [Test]
    public async Task AnEventDatedBeforeTheYearOfManufactureIsRefused()
    {
        var id = await RecordAsync(_owner, Firearm() with { YearOfManufacture = 2015 });

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("sold", "2014-12-31", Maker, Importer, "AT"))).ExpectFieldErrorAsync("date");

        Assert.That(messages.Single(), Does.Contain("manufacture").And.Contain("2015-01-01"));
    }

    [Test]
    public async Task AnEventDatedBeforeTheManufacturedEventIsRefused()
    {
        var id = await RecordAsync(_owner, Firearm() with { YearOfManufacture = 2015 });
        await AddAsync(_owner, id, Ev("manufactured", "2015-03-02", to: Maker, country: "AT"));

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("sold", "2015-02-01", Maker, Importer, "AT"))).ExpectFieldErrorAsync("date");

        Assert.That(messages.Single(), Does.Contain("2015-03-02"));
    }

    [Test]
    public async Task AnEventInTheFutureIsRefused()
    {
        var id = await RecordAsync(_owner);
        var tomorrow = App.Clock.Now.AddDays(1).ToString("yyyy-MM-dd");

        await (await _owner.PostJsonAsync(Events(id), Ev("sold", tomorrow, Maker, Importer, "AT"))).ExpectFieldErrorAsync("date");
    }

    [Test]
    public async Task AnEventTypeOutsideTheListIsRefusedWithTheList()
    {
        var id = await RecordAsync(_owner);

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("stolen", "2020-01-01", Maker, Importer, "AT"))).ExpectFieldErrorAsync("type");

        Assert.That(messages.Single(), Does.Contain("reported-stolen"));
    }

    [Test]
    public async Task AnEventWithoutTypeOrDateIsRefused()
    {
        var id = await RecordAsync(_owner);

        await (await _owner.PostJsonAsync(Events(id), new EventBody(null, "2020-01-01"))).ExpectFieldErrorAsync("type");
        await (await _owner.PostJsonAsync(Events(id), new EventBody("sold", null, Maker, Importer))).ExpectFieldErrorAsync("date");
    }

    [Test]
    public async Task APartyKindOutsideTheListIsRefusedUnderThePartysField()
    {
        var id = await RecordAsync(_owner);

        var messages = await (await _owner.PostJsonAsync(Events(id), Ev("sold", "2020-01-01", Maker, P("Bob", "gangster", "FR"), "FR")))
            .ExpectFieldErrorAsync("toParty.kind");

        Assert.That(messages.Single(), Does.Contain("private-person"));
    }

    [Test]
    public async Task AnAuthorizationKindOutsideTheListIsRefused()
    {
        var id = await RecordAsync(_owner);

        await (await _owner.PostJsonAsync(Events(id), Ev("exported", "2020-01-01", Maker, Importer, "AT", Auth("permit", "X-1"))))
            .ExpectFieldErrorAsync("authorization.kind");
    }

    [Test]
    public async Task AnExportWithoutADestinationCountryIsRefused()
    {
        var id = await RecordAsync(_owner);

        await (await _owner.PostJsonAsync(Events(id), Ev("exported", "2020-01-01", Maker, P("Somebody", "importer"))))
            .ExpectFieldErrorAsync("toParty.countryCode");
    }

    [Test]
    public async Task AMalformedCountryCodeIsRefused()
    {
        var id = await RecordAsync(_owner);

        await (await _owner.PostJsonAsync(Events(id), Ev("sold", "2020-01-01", Maker, Importer, "France"))).ExpectFieldErrorAsync("countryCode");
    }

    [Test]
    public async Task ARefusedEventIsNotStored()
    {
        var id = await RecordAsync(_owner);

        await (await _owner.PostJsonAsync(Events(id), Ev("stolen", "2020-01-01"))).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.That((await TraceAsync(_owner, id))["chain"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task ATransferToAnUnnamedPartyOfKindUnknownIsAcceptedAndIsAnUnauthorizedTransfer()
    {
        var id = await RecordAsync(_owner);
        var dealer = P("Waffen Huber", "dealer", "AT");
        var sale = await AddAsync(_owner, id, Ev("sold", "2016-01-01", Maker, dealer, "AT"));
        var handOver = await AddAsync(_owner, id, new EventBody("transferred", "2019-05-05", dealer, new PartyBody("", "unknown"), "AT"));

        var diversion = (await TraceAsync(_owner, id))["diversion"]!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)diversion["reason"], Is.EqualTo("unauthorized-transfer"));
            Assert.That((string?)diversion["confidence"], Is.EqualTo("medium"));
            Assert.That((long?)diversion["lastLawfulEventId"], Is.EqualTo(sale));
            Assert.That((long?)diversion["firstIllicitEventId"], Is.EqualTo(handOver));
        });
    }

    [Test]
    public async Task AnAgencyThatMayNotSeeTheFirearmGets404ForEventsAndTrace()
    {
        var id = await RecordAsync(_owner, Firearm() with { Visibility = new VisibilityBody("countries", ["FR"]) });
        await AddAsync(_owner, id, Ev("manufactured", "2015-03-02", to: Maker, country: "AT"));

        await (await _outsider.PostJsonAsync(Events(id), Ev("sold", "2020-01-01", Maker, Importer, "AT"))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.GetAsync(Trace(id))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _outsider.GetAsync(Trace(999_999))).ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.That((await TraceAsync(_owner, id))["chain"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AWithdrawnFirearmHasNoTrace()
    {
        var id = await RecordAsync(_owner);
        await (await _owner.WithdrawAsync($"/api/v1/firearms/{id}")).ExpectAsync(HttpStatusCode.NoContent);

        await (await _owner.GetAsync(Trace(id))).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _owner.PostJsonAsync(Events(id), Ev("destroyed", "2020-01-01"))).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task AddingEventsNeedsTheRecordOrTraceRoleAndReadingTheTraceNeedsSearch()
    {
        var id = await RecordAsync(_owner);
        using var traceOnly = await App.AgencyAsync("DE-BKA", "DE", "trace");

        await (await _searchOnly.PostJsonAsync(Events(id), Ev("destroyed", "2020-01-01"))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await traceOnly.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.Forbidden);
        await (await _searchOnly.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.OK);
        await (await App.ClientWithKey(null).GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.Unauthorized);
    }
}
