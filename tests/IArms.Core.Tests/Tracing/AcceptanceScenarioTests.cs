using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Tracing;

/// <summary>The six acceptance scenarios of the tracing brief, as realistic whole chains.</summary>
public class AcceptanceScenarioTests
{
    private static readonly Party Maker = P("Ceska Zbrojovka a.s.", PartyKind.Manufacturer, "CZ");
    private static readonly Party Depot = P("Ministry of Defence Depot 12", PartyKind.StateStockpile, "UA");

    [Test]
    public void StateStockpileTheftIsHighConfidenceTheftFromTheDepot()
    {
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2015-03-02", to: Maker, country: "CZ", source: "CZ-NCB"),
            Ev("exp", CustodyEventType.Exported, "2019-10-01", Maker, Depot, "CZ", Auth(AuthorizationKind.ExportLicence, "CZ-EL-2019-88"), source: "CZ-NCB"),
            Ev("imp", CustodyEventType.Imported, "2019-10-04", Maker, Depot, "UA", Auth(AuthorizationKind.EndUserCertificate, "UA-EUC-412"), source: "UA-NCB"),
            Ev("theft", CustodyEventType.ReportedStolen, "2022-04-01", Depot, null, "UA", source: "UA-NCB"),
            Ev("seize", CustodyEventType.Seized, "2023-05-17", P("Jan Nowak", PartyKind.PrivatePerson, "PL"), P("Policja Lublin", PartyKind.Police, "PL"), "PL", source: "PL-NCB"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.EqualTo(new Diversion(
                DiversionReason.Theft, Confidence.High, Depot, "imp", "theft", "UA", D("2022-04-01"), D("2022-04-01"))));
            Assert.That(report.Gaps, Is.Empty);
            Assert.That(report.TimeToCrimeDays, Is.Null);
            Assert.That(report.Indicators, Is.EqualTo(new[] { TraceIndicators.StockpileLoss }));
        });
    }

    [Test]
    public void LossByAPrivateOwnerIsHighConfidenceLossFromThePerson()
    {
        var dealer = P("Gun Shop Lyon", PartyKind.Dealer, "FR");
        var owner = P("Marc Petit", PartyKind.PrivatePerson, "FR");
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2012-01-10", to: P("Manurhin", PartyKind.Manufacturer, "FR"), country: "FR"),
            Ev("s1", CustodyEventType.Sold, "2012-06-01", P("Manurhin", PartyKind.Manufacturer, "FR"), dealer, "FR"),
            Ev("s2", CustodyEventType.Sold, "2013-09-14", dealer, owner, "FR"),
            Ev("lost", CustodyEventType.ReportedLost, "2021-11-30", owner, null, "FR"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.EqualTo(new Diversion(
                DiversionReason.Loss, Confidence.High, owner, "s2", "lost", "FR", D("2021-11-30"), D("2021-11-30"))));
            Assert.That(report.Indicators, Is.Empty);
        });
    }

    [Test]
    public void ReExportAgainstAnEndUserCertificateIsHighConfidenceUnauthorizedReExport()
    {
        var us = P("Springfield Armory", PartyKind.Manufacturer, "US");
        var army = P("Royal Army of Examplestan", PartyKind.Military, "JO");
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2010-02-02", to: us, country: "US"),
            Ev("exp", CustodyEventType.Exported, "2011-05-01", us, army, "US", Auth(AuthorizationKind.ExportLicence, "DSP-5-1234")),
            Ev("imp", CustodyEventType.Imported, "2011-05-20", us, army, "JO", Auth(AuthorizationKind.EndUserCertificate, "EUC-2011-9")),
            Ev("move", CustodyEventType.Transferred, "2016-08-08", army, P("Unnamed militia", PartyKind.Company, "SY"), "JO"),
            Ev("seize", CustodyEventType.Seized, "2018-01-15", null, P("Customs", PartyKind.Police, "TR"), "TR"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.EqualTo(new Diversion(
                DiversionReason.UnauthorizedReExport, Confidence.High, army, "imp", "move", "JO", D("2016-08-08"), D("2016-08-08"))));
            Assert.That(report.Gaps, Is.Empty);
            Assert.That(report.Indicators, Is.EqualTo(new[] { TraceIndicators.StockpileLoss }));
        });
    }

    [Test]
    public void UnlicensedCrossBorderTransferIsMediumConfidenceUnauthorizedTransfer()
    {
        var maker = P("Heckler & Koch", PartyKind.Manufacturer, "DE");
        var dealer = P("Jagd und Sport GmbH", PartyKind.Dealer, "DE");
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2014-04-04", to: maker, country: "DE"),
            Ev("s1", CustodyEventType.Sold, "2014-09-01", maker, dealer, "DE"),
            Ev("t", CustodyEventType.Transferred, "2017-02-12", dealer, P("Kovac d.o.o.", PartyKind.Company, "RS")),
            Ev("s2", CustodyEventType.Sold, "2017-06-12", P("Kovac d.o.o.", PartyKind.Company, "RS"), P("Milan J.", PartyKind.PrivatePerson, "RS"), "RS"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.EqualTo(new Diversion(
                DiversionReason.UnauthorizedTransfer, Confidence.Medium, dealer, "s1", "t", "DE", D("2017-02-12"), D("2017-02-12"))));
            Assert.That(report.Indicators, Is.Empty);
        });
    }

    [Test]
    public void RetailSaleThenSeizureAbroadIsALowConfidencePostCustodyGapWithShortTimeToCrime()
    {
        var glock = P("Glock GmbH", PartyKind.Manufacturer, "AT");
        var importer = P("Glock Inc.", PartyKind.Importer, "US");
        var dealer = P("Lone Star Guns", PartyKind.Dealer, "US");
        var buyer = P("John Smith", PartyKind.PrivatePerson, "US");
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2020-11-02", to: glock, country: "AT"),
            Ev("exp", CustodyEventType.Exported, "2021-01-10", glock, importer, "AT", Auth(AuthorizationKind.ExportLicence, "AT-2021-1")),
            Ev("imp", CustodyEventType.Imported, "2021-01-25", glock, importer, "US", Auth(AuthorizationKind.ImportLicence, "ATF-6-77")),
            Ev("s1", CustodyEventType.Sold, "2021-03-01", importer, dealer, "US"),
            Ev("s2", CustodyEventType.Sold, "2021-06-01", dealer, buyer, "US"),
            Ev("seize", CustodyEventType.Seized, "2021-11-15", null, P("FGR Sonora", PartyKind.Police, "MX"), "MX", source: "MX-NCB"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.EqualTo(new Diversion(
                DiversionReason.PostCustodyGap, Confidence.Low, buyer, "s2", "seize", "US", D("2021-06-01"), D("2021-11-15"))));
            Assert.That(report.TimeToCrimeDays, Is.EqualTo(167));
            Assert.That(report.Gaps, Is.Empty);
            Assert.That(report.Indicators, Is.EqualTo(new[] { TraceIndicators.ShortTimeToCrime }));
        });
    }

    [Test]
    public void LawfulLifeEndingInDestructionHasNoDiversionAndNoIndicators()
    {
        var glock = P("Glock GmbH", PartyKind.Manufacturer, "AT");
        var importer = P("Glock France SAS", PartyKind.Importer, "FR");
        var dealer = P("Armurerie Centrale", PartyKind.Dealer, "FR");
        var owner = P("Claire Martin", PartyKind.PrivatePerson, "FR");
        var police = P("Gendarmerie Nationale", PartyKind.Police, "FR");
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2015-03-02", to: glock, country: "AT"),
            Ev("exp", CustodyEventType.Exported, "2015-06-01", glock, importer, "AT", Auth(AuthorizationKind.ExportLicence)),
            Ev("imp", CustodyEventType.Imported, "2015-06-03", glock, importer, "FR", Auth(AuthorizationKind.ImportLicence)),
            Ev("s1", CustodyEventType.Sold, "2015-07-01", importer, dealer, "FR"),
            Ev("s2", CustodyEventType.Sold, "2016-01-15", dealer, owner, "FR"),
            Ev("hand-in", CustodyEventType.Transferred, "2024-09-01", owner, police, "FR"),
            Ev("destroyed", CustodyEventType.Destroyed, "2024-10-01", police, null, "FR"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.Null);
            Assert.That(report.Gaps, Is.Empty);
            Assert.That(report.TimeToCrimeDays, Is.Null);
            Assert.That(report.Indicators, Is.Empty);
        });
    }

    [Test]
    public void LawfullyExportedPistolSoldToAPrivatePersonHasNoDiversion()
    {
        var glock = P("Glock GmbH", PartyKind.Manufacturer, "AT");
        var importer = P("Glock Inc.", PartyKind.Importer, "US");
        var dealer = P("Lone Star Guns", PartyKind.Dealer, "US");
        var report = Analyze(
            Ev("mfg", CustodyEventType.Manufactured, "2020-11-02", to: glock, country: "AT"),
            Ev("exp", CustodyEventType.Exported, "2021-01-10", glock, importer, "AT", Auth(AuthorizationKind.ExportLicence)),
            Ev("imp", CustodyEventType.Imported, "2021-01-25", glock, importer, "US"),
            Ev("s1", CustodyEventType.Sold, "2021-03-01", importer, dealer, "US"),
            Ev("s2", CustodyEventType.Sold, "2021-06-01", dealer, P("John Smith", PartyKind.PrivatePerson, "US"), "US"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion, Is.Null);
            Assert.That(report.Gaps, Is.Empty);
            Assert.That(report.Indicators, Is.Empty);
        });
    }
}
