using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Tracing;

/// <summary>
/// The six acceptance chains, built through the API by the agencies along each weapon's path (the owner directly,
/// the others by answering its trace requests) and read back as a trace report by a third agency.
/// </summary>
public class TraceReportScenarioTests : ApiFixture
{
    private HttpClient _cz = null!;
    private HttpClient _ua = null!;
    private HttpClient _pl = null!;
    private HttpClient _us = null!;
    private HttpClient _mx = null!;
    private HttpClient _fr = null!;
    private HttpClient _de = null!;
    private HttpClient _analyst = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _cz = await App.AgencyAsync("CZ-NCB", "CZ", "record", "trace", "search");
        _ua = await App.AgencyAsync("UA-NCB", "UA", "trace", "search");
        _pl = await App.AgencyAsync("PL-NCB", "PL", "record", "trace", "search");
        _us = await App.AgencyAsync("US-ATF", "US", "record", "trace", "search");
        _mx = await App.AgencyAsync("MX-FGR", "MX", "record", "trace", "search");
        _fr = await App.AgencyAsync("FR-PN", "FR", "record", "search");
        _de = await App.AgencyAsync("DE-BKA", "DE", "record", "search");
        _analyst = await App.AgencyAsync("NL-NP", "NL", "search");
    }

    private static (long, long) Pair(long[] ids) => (ids[0], ids[1]);

    [Test]
    public async Task AStateStockpileTheftIsAHighConfidenceTheftFromTheDepot()
    {
        var maker = P("Ceska Zbrojovka a.s.", "manufacturer", "CZ");
        var depot = P("Ministry of Defence Depot 12", "state-stockpile", "UA");
        var id = await RecordAsync(_pl, Firearm("CZ-75-0001") with { Make = "CZ", Model = "75", Status = "seized", EventCountryCode = "PL" });

        // Poland owns the record and writes its seizure; the Czech and Ukrainian records arrive as answers to its traces.
        var seize = await AddAsync(_pl, id, Ev("seized", "2023-05-17", P("Jan Nowak", "private-person", "PL"), P("Policja Lublin", "police", "PL"), "PL"));
        var (mfg, exp) = Pair(await AnsweredAsync(_pl, _cz, "CZ-NCB", id,
            Ev("manufactured", "2015-03-02", to: maker, country: "CZ"),
            Ev("exported", "2019-10-01", maker, depot, "CZ", Auth("export-licence", "CZ-EL-2019-88"))));
        var (imp, theft) = Pair(await AnsweredAsync(_pl, _ua, "UA-NCB", id,
            Ev("imported", "2019-10-04", maker, depot, "UA", Auth("end-user-certificate", "UA-EUC-412")),
            Ev("reported-stolen", "2022-04-01", depot, null, "UA")));

        var report = await TraceAsync(_analyst, id);
        var diversion = report["diversion"]!;
        Assert.Multiple(() =>
        {
            Assert.That((long)report["firearmId"]!, Is.EqualTo(id));
            Assert.That(report["chain"]!.AsArray().Select(e => (long)e!["id"]!), Is.EqualTo(new[] { mfg, exp, imp, theft, seize }));
            Assert.That(report["chain"]!.AsArray().Select(e => (string?)e!["source"]), Is.EqualTo(new[] { "CZ-NCB", "CZ-NCB", "UA-NCB", "UA-NCB", "PL-NCB" }));
            Assert.That((string?)diversion["reason"], Is.EqualTo("theft"));
            Assert.That((string?)diversion["confidence"], Is.EqualTo("high"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["name"], Is.EqualTo("Ministry of Defence Depot 12"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["kind"], Is.EqualTo("state-stockpile"));
            Assert.That((long?)diversion["lastLawfulEventId"], Is.EqualTo(imp));
            Assert.That((long?)diversion["firstIllicitEventId"], Is.EqualTo(theft));
            Assert.That((string?)diversion["countryCode"], Is.EqualTo("UA"));
            Assert.That((string?)diversion["dateFrom"], Is.EqualTo("2022-04-01"));
            Assert.That(report["gaps"]!.AsArray(), Is.Empty);
            Assert.That(report["timeToCrimeDays"], Is.Null);
            Assert.That(Indicators(report), Is.EqualTo(new[] { "stockpile-loss" }));
        });
    }

    [Test]
    public async Task ALossByAPrivateOwnerIsAHighConfidenceLossFromThePerson()
    {
        var maker = P("Manurhin", "manufacturer", "FR");
        var dealer = P("Gun Shop Lyon", "dealer", "FR");
        var owner = P("Marc Petit", "private-person", "FR");
        var id = await RecordAsync(_fr, Firearm("MR-73-4411") with { Make = "Manurhin", Model = "MR73", Type = "revolver", YearOfManufacture = 2012, Status = "lost" });

        await AddAsync(_fr, id, Ev("manufactured", "2012-01-10", to: maker, country: "FR"));
        await AddAsync(_fr, id, Ev("sold", "2012-06-01", maker, dealer, "FR"));
        var sale = await AddAsync(_fr, id, Ev("sold", "2013-09-14", dealer, owner, "FR"));
        var lost = await AddAsync(_fr, id, Ev("reported-lost", "2021-11-30", owner, null, "FR"));

        var report = await TraceAsync(_analyst, id);
        var diversion = report["diversion"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)diversion["reason"], Is.EqualTo("loss"));
            Assert.That((string?)diversion["confidence"], Is.EqualTo("high"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["name"], Is.EqualTo("Marc Petit"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["kind"], Is.EqualTo("private-person"));
            Assert.That((long?)diversion["lastLawfulEventId"], Is.EqualTo(sale));
            Assert.That((long?)diversion["firstIllicitEventId"], Is.EqualTo(lost));
            Assert.That(report["timeToCrimeDays"], Is.Null);
            Assert.That(Indicators(report), Is.Empty);
        });
    }

    [Test]
    public async Task AReExportAgainstAnEndUserCertificateIsAHighConfidenceUnauthorizedReExport()
    {
        var maker = P("Springfield Armory", "manufacturer", "US");
        var army = P("Royal Army of Examplestan", "military", "JO");
        var id = await RecordAsync(_us, Firearm("SA-M1A-778") with { Make = "Springfield", Model = "M1A", Type = "rifle", YearOfManufacture = 2010, Status = "seized", EventCountryCode = "TR" });

        await AddAsync(_us, id, Ev("manufactured", "2010-02-02", to: maker, country: "US"));
        await AddAsync(_us, id, Ev("exported", "2011-05-01", maker, army, "US", Auth("export-licence", "DSP-5-1234")));
        var imp = await AddAsync(_us, id, Ev("imported", "2011-05-20", maker, army, "JO", Auth("end-user-certificate", "EUC-2011-9")));
        var move = await AddAsync(_us, id, Ev("transferred", "2016-08-08", army, P("Unnamed militia", "company", "SY"), "JO"));
        await AddAsync(_us, id, Ev("seized", "2018-01-15", null, P("Customs", "police", "TR"), "TR"));

        var report = await TraceAsync(_analyst, id);
        var diversion = report["diversion"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)diversion["reason"], Is.EqualTo("unauthorized-re-export"));
            Assert.That((string?)diversion["confidence"], Is.EqualTo("high"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["name"], Is.EqualTo("Royal Army of Examplestan"));
            Assert.That((long?)diversion["lastLawfulEventId"], Is.EqualTo(imp));
            Assert.That((long?)diversion["firstIllicitEventId"], Is.EqualTo(move));
            Assert.That((string?)diversion["countryCode"], Is.EqualTo("JO"));
            Assert.That(report["timeToCrimeDays"], Is.Null);
            Assert.That(Indicators(report), Is.EqualTo(new[] { "stockpile-loss" }));
        });
    }

    [Test]
    public async Task AnUnlicensedCrossBorderTransferIsAMediumConfidenceUnauthorizedTransfer()
    {
        var maker = P("Heckler & Koch", "manufacturer", "DE");
        var dealer = P("Jagd und Sport GmbH", "dealer", "DE");
        var company = P("Kovac d.o.o.", "company", "RS");
        var id = await RecordAsync(_de, Firearm("HK-USP-5150") with { Make = "Heckler & Koch", Model = "USP", YearOfManufacture = 2014, Status = "trafficked" });

        await AddAsync(_de, id, Ev("manufactured", "2014-04-04", to: maker, country: "DE"));
        var sale = await AddAsync(_de, id, Ev("sold", "2014-09-01", maker, dealer, "DE"));
        var transfer = await AddAsync(_de, id, Ev("transferred", "2017-02-12", dealer, company));
        await AddAsync(_de, id, Ev("sold", "2017-06-12", company, P("Milan J.", "private-person", "RS"), "RS"));

        var report = await TraceAsync(_analyst, id);
        var diversion = report["diversion"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)diversion["reason"], Is.EqualTo("unauthorized-transfer"));
            Assert.That((string?)diversion["confidence"], Is.EqualTo("medium"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["name"], Is.EqualTo("Jagd und Sport GmbH"));
            Assert.That((long?)diversion["lastLawfulEventId"], Is.EqualTo(sale));
            Assert.That((long?)diversion["firstIllicitEventId"], Is.EqualTo(transfer));
            Assert.That((string?)diversion["countryCode"], Is.EqualTo("DE"));
            Assert.That(report["timeToCrimeDays"], Is.Null);
            Assert.That(Indicators(report), Is.Empty);
        });
    }

    [Test]
    public async Task ARetailSaleFollowedBySeizureAbroadIsALowConfidencePostCustodyGapWithShortTimeToCrime()
    {
        var glock = P("Glock GmbH", "manufacturer", "AT");
        var importer = P("Glock Inc.", "importer", "US");
        var dealer = P("Lone Star Guns", "dealer", "US");
        var buyer = P("John Smith", "private-person", "US");
        var id = await RecordAsync(_mx, Firearm("GLK-19-AAB1") with { Model = "19", YearOfManufacture = 2020, Status = "seized", EventCountryCode = "MX", ObliteratedSerial = true });

        var seize = await AddAsync(_mx, id, Ev("seized", "2021-11-15", null, P("FGR Sonora", "police", "MX"), "MX"));
        // The ATF's part of the chain is its answer to Mexico's trace request, as in an eTrace.
        var retail = (await AnsweredAsync(_mx, _us, "US-ATF", id,
            Ev("manufactured", "2020-11-02", to: glock, country: "AT"),
            Ev("exported", "2021-01-10", glock, importer, "AT", Auth("export-licence", "AT-2021-1")),
            Ev("imported", "2021-01-25", glock, importer, "US", Auth("import-licence", "ATF-6-77")),
            Ev("sold", "2021-03-01", importer, dealer, "US"),
            Ev("sold", "2021-06-01", dealer, buyer, "US")))[^1];

        var report = await TraceAsync(_analyst, id);
        var diversion = report["diversion"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)diversion["reason"], Is.EqualTo("post-custody-gap"));
            Assert.That((string?)diversion["confidence"], Is.EqualTo("low"));
            Assert.That((string?)diversion["lastLawfulHolder"]!["name"], Is.EqualTo("John Smith"));
            Assert.That((long?)diversion["lastLawfulEventId"], Is.EqualTo(retail));
            Assert.That((long?)diversion["firstIllicitEventId"], Is.EqualTo(seize));
            Assert.That((string?)diversion["countryCode"], Is.EqualTo("US"));
            Assert.That((string?)diversion["dateFrom"], Is.EqualTo("2021-06-01"));
            Assert.That((string?)diversion["dateTo"], Is.EqualTo("2021-11-15"));
            Assert.That((int?)report["timeToCrimeDays"], Is.EqualTo(167));
            Assert.That(Indicators(report), Is.EqualTo(new[] { "obliterated-serial", "short-time-to-crime" }));
        });
    }

    [Test]
    public async Task ALawfulLifeEndingInDestructionHasNoDiversionAndNoIndicators()
    {
        var glock = P("Glock GmbH", "manufacturer", "AT");
        var importer = P("Glock France SAS", "importer", "FR");
        var dealer = P("Armurerie Centrale", "dealer", "FR");
        var owner = P("Claire Martin", "private-person", "FR");
        var police = P("Gendarmerie Nationale", "police", "FR");
        var id = await RecordAsync(_fr, Firearm("GLK-17-DEST") with { Status = "recovered" });

        await AddAsync(_fr, id, Ev("manufactured", "2015-03-02", to: glock, country: "AT"));
        await AddAsync(_fr, id, Ev("exported", "2015-06-01", glock, importer, "AT", Auth("export-licence", "AT-2015-7")));
        await AddAsync(_fr, id, Ev("imported", "2015-06-03", glock, importer, "FR", Auth("import-licence", "FR-AIM-15")));
        await AddAsync(_fr, id, Ev("sold", "2015-07-01", importer, dealer, "FR"));
        await AddAsync(_fr, id, Ev("sold", "2016-01-15", dealer, owner, "FR"));
        await AddAsync(_fr, id, Ev("transferred", "2024-09-01", owner, police, "FR"));
        await AddAsync(_fr, id, Ev("destroyed", "2024-10-01", police, null, "FR"));

        var report = await TraceAsync(_analyst, id);
        Assert.Multiple(() =>
        {
            Assert.That(report["chain"]!.AsArray(), Has.Count.EqualTo(7));
            Assert.That(report["diversion"], Is.Null);
            Assert.That(report["gaps"]!.AsArray(), Is.Empty);
            Assert.That(report["timeToCrimeDays"], Is.Null);
            Assert.That(Indicators(report), Is.Empty);
        });
    }

    [Test]
    public async Task EventsArriveInAnyOrderAndTheChainIsRebuiltInTimeOrderWithEveryField()
    {
        var maker = P("Beretta", "manufacturer", "IT");
        var dealer = P("Armeria Roma", "dealer", "IT") with { Licence = "RM-4411" };
        var id = await RecordAsync(_fr, Firearm("BER-92-ORDER") with { Make = "Beretta", Model = "92", YearOfManufacture = 2018 });

        var sale = await AddAsync(_fr, id, new EventBody("sold", "2018-05-01", maker, dealer, "IT", "Roma", "INV-2018-77", "sold from stock"));
        var mfg = await AddAsync(_fr, id, Ev("manufactured", "2018-01-10", to: maker, country: "IT"));

        var report = await TraceAsync(_analyst, id);
        var chain = report["chain"]!.AsArray();
        var sold = chain[1]!;
        Assert.Multiple(() =>
        {
            Assert.That(chain.Select(e => (long)e!["id"]!), Is.EqualTo(new[] { mfg, sale }));
            Assert.That((string?)sold["type"], Is.EqualTo("sold"));
            Assert.That((string?)sold["date"], Is.EqualTo("2018-05-01"));
            Assert.That((string?)sold["fromParty"]!["name"], Is.EqualTo("Beretta"));
            Assert.That((string?)sold["toParty"]!["licence"], Is.EqualTo("RM-4411"));
            Assert.That((string?)sold["toParty"]!["kind"], Is.EqualTo("dealer"));
            Assert.That((string?)sold["countryCode"], Is.EqualTo("IT"));
            Assert.That((string?)sold["place"], Is.EqualTo("Roma"));
            Assert.That((string?)sold["documentReference"], Is.EqualTo("INV-2018-77"));
            Assert.That((string?)sold["notes"], Is.EqualTo("sold from stock"));
            Assert.That(sold["authorization"], Is.Null);
            Assert.That((string?)sold["source"], Is.EqualTo("FR-PN"));
            Assert.That(report["diversion"], Is.Null);
        });
    }

    [Test]
    public async Task AFirearmWithoutEventsHasAnEmptyReport()
    {
        var id = await RecordAsync(_fr, Firearm("EMPTY-CHAIN-1"));

        var report = await TraceAsync(_analyst, id);

        Assert.Multiple(() =>
        {
            Assert.That(report["chain"]!.AsArray(), Is.Empty);
            Assert.That(report["diversion"], Is.Null);
            Assert.That(Indicators(report), Is.Empty);
        });
    }
}
