using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Tracing;

/// <summary>One small chain per diversion rule, plus the precedence between rules.</summary>
public class DiversionTests
{
    private static readonly Party Maker = P("Acme Arms", PartyKind.Manufacturer, "AT");
    private static readonly Party Dealer = P("Waffen Huber", PartyKind.Dealer, "AT");
    private static readonly Party Person = P("Anna Berg", PartyKind.PrivatePerson, "AT");
    private static readonly Party ForeignCompany = P("Alpen Handel AG", PartyKind.Company, "CH");
    private static readonly Party Ministry = P("Ministry of Defence", PartyKind.Military, "JO");
    private static readonly Party ThirdCountryBuyer = P("Desert Trading", PartyKind.Company, "SY");

    [Test]
    public void TheftReportMakesThePreviousHolderTheLastLawfulOne()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Dealer, Person, "AT"),
            Ev("r", CustodyEventType.ReportedStolen, "2019-08-10", Person, null, "AT"));

        Assert.That(report.Diversion, Is.EqualTo(new Diversion(
            DiversionReason.Theft, Confidence.High, Person, "s", "r", "AT", D("2019-08-10"), D("2019-08-10"))));
    }

    [Test]
    public void LossReportIsALossWithTheHoldersCountryWhenTheReportHasNone()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Dealer, Person),
            Ev("r", CustodyEventType.ReportedLost, "2019-08-10"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion!.Reason, Is.EqualTo(DiversionReason.Loss));
            Assert.That(report.Diversion.Confidence, Is.EqualTo(Confidence.High));
            Assert.That(report.Diversion.LastLawfulHolder, Is.EqualTo(Person));
            Assert.That(report.Diversion.CountryCode, Is.EqualTo("AT"));
        });
    }

    [Test]
    public void TheftReportWithUnknownHolderNamesTheReportsOwnSender()
    {
        var report = Analyze(Ev("r", CustodyEventType.ReportedStolen, "2019-08-10", Person, null, "AT"));

        Assert.Multiple(() =>
        {
            Assert.That(report.Diversion!.LastLawfulHolder, Is.EqualTo(Person));
            Assert.That(report.Diversion.LastLawfulEventId, Is.Null);
            Assert.That(report.Diversion.FirstIllicitEventId, Is.EqualTo("r"));
        });
    }

    [Test]
    public void CrossBorderTransferAwayFromTheEndUserWithoutPapersIsUnauthorizedReExport()
    {
        var report = Analyze(
            Ev("i", CustodyEventType.Imported, "2014-05-01", Maker, Ministry, "JO", Auth(AuthorizationKind.EndUserCertificate, "EUC-7")),
            Ev("t", CustodyEventType.Transferred, "2017-01-20", Ministry, ThirdCountryBuyer));

        Assert.That(report.Diversion, Is.EqualTo(new Diversion(
            DiversionReason.UnauthorizedReExport, Confidence.High, Ministry, "i", "t", "JO", D("2017-01-20"), D("2017-01-20"))));
    }

    [Test]
    public void ReExportUnderItsOwnLicenceIsLawful()
    {
        var report = Analyze(
            Ev("i", CustodyEventType.Imported, "2014-05-01", Maker, Ministry, "JO", Auth(AuthorizationKind.EndUserCertificate)),
            Ev("x", CustodyEventType.Exported, "2017-01-20", Ministry, ThirdCountryBuyer, "JO", Auth(AuthorizationKind.ExportLicence)));

        Assert.That(report.Diversion, Is.Null);
    }

    [Test]
    public void TransferByTheEndUserInsideItsCountryIsNotAReExport()
    {
        var report = Analyze(
            Ev("i", CustodyEventType.Imported, "2014-05-01", Maker, Ministry, "JO", Auth(AuthorizationKind.EndUserCertificate)),
            Ev("a", CustodyEventType.Assigned, "2015-01-20", Ministry, P("3rd Brigade", PartyKind.Military, "JO")));

        Assert.That(report.Diversion, Is.Null);
    }

    [Test]
    public void CertificateWithoutAnyCountryCannotBeBrokenByLeavingIt()
    {
        var endUser = P("Ministry of Interior", PartyKind.Police);
        var report = Analyze(
            Ev("i", CustodyEventType.Imported, "2014-05-01", Maker, endUser, null, Auth(AuthorizationKind.EndUserCertificate)),
            Ev("t", CustodyEventType.Transferred, "2017-01-20", endUser, ThirdCountryBuyer));

        Assert.That(report.Diversion, Is.Null);
    }

    [Test]
    public void UnlicensedCrossBorderTransferIsUnauthorizedTransfer()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Maker, Dealer),
            Ev("t", CustodyEventType.Transferred, "2018-03-03", Dealer, ForeignCompany));

        Assert.That(report.Diversion, Is.EqualTo(new Diversion(
            DiversionReason.UnauthorizedTransfer, Confidence.Medium, Dealer, "s", "t", "AT", D("2018-03-03"), D("2018-03-03"))));
    }

    [Test]
    public void TransferToAnUnknownPartyIsUnauthorizedEvenInsideTheCountry()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Maker, Dealer),
            Ev("t", CustodyEventType.Sold, "2018-03-03", Dealer, P("cash buyer", PartyKind.Unknown, "AT"), "AT", Auth(AuthorizationKind.TransferPermit)));

        Assert.That(report.Diversion!.Reason, Is.EqualTo(DiversionReason.UnauthorizedTransfer));
    }

    [Test]
    public void EventCountryStandsInForAMissingRecipientCountry()
    {
        var report = Analyze(Ev("x", CustodyEventType.Exported, "2018-03-03", Dealer, P("Somebody", PartyKind.Company), "RS"));

        Assert.That(report.Diversion!.Reason, Is.EqualTo(DiversionReason.UnauthorizedTransfer));
    }

    [Test]
    public void ImportWithoutPapersIsCoveredByTheLicensedExportOfTheSameShipment()
    {
        var report = Analyze(
            Ev("x", CustodyEventType.Exported, "2015-03-01", Maker, ForeignCompany, "AT", Auth(AuthorizationKind.ExportLicence)),
            Ev("i", CustodyEventType.Imported, "2015-03-04", Maker, ForeignCompany, "CH"));

        Assert.That(report.Diversion, Is.Null);
    }

    [Test]
    public void UnlicensedExportIsTheDiversionNotItsImport()
    {
        var report = Analyze(
            Ev("x", CustodyEventType.Exported, "2015-03-01", Maker, ForeignCompany, "AT"),
            Ev("i", CustodyEventType.Imported, "2015-03-04", Maker, ForeignCompany, "CH", Auth(AuthorizationKind.ImportLicence)));

        Assert.That(report.Diversion!.FirstIllicitEventId, Is.EqualTo("x"));
    }

    [Test]
    public void SeizureRightAfterLawfulCustodyIsAPostCustodyGap()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Dealer, Person, "AT"),
            Ev("z", CustodyEventType.Seized, "2017-04-01", null, P("Polizei Wien", PartyKind.Police, "AT"), "HU"));

        Assert.That(report.Diversion, Is.EqualTo(new Diversion(
            DiversionReason.PostCustodyGap, Confidence.Low, Person, "s", "z", "AT", D("2016-02-01"), D("2017-04-01"))));
    }

    [Test]
    public void RecoveryCountsAsASeizure()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Dealer, Person, "AT"),
            Ev("z", CustodyEventType.Recovered, "2017-04-01", country: "AT"));

        Assert.That(report.Diversion!.Reason, Is.EqualTo(DiversionReason.PostCustodyGap));
    }

    [Test]
    public void SeizureWithNoHistoryIsAPostCustodyGapWithNoHolder()
    {
        var report = Analyze(Ev("z", CustodyEventType.Seized, "2017-04-01", country: "HU"));

        Assert.That(report.Diversion, Is.EqualTo(new Diversion(
            DiversionReason.PostCustodyGap, Confidence.Low, null, null, "z", "HU", null, D("2017-04-01"))));
    }

    [Test]
    public void TheEarliestFiringEventWins()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Maker, Dealer),
            Ev("t", CustodyEventType.Transferred, "2017-03-03", Dealer, ForeignCompany),
            Ev("r", CustodyEventType.ReportedStolen, "2018-01-01", ForeignCompany),
            Ev("z", CustodyEventType.Seized, "2019-01-01"));

        Assert.That(report.Diversion!.FirstIllicitEventId, Is.EqualTo("t"));
    }

    [Test]
    public void ReExportTakesPrecedenceOverUnauthorizedTransferAtTheSameEvent()
    {
        var report = Analyze(
            Ev("i", CustodyEventType.Imported, "2014-05-01", Maker, Ministry, "JO", Auth(AuthorizationKind.EndUserCertificate)),
            Ev("t", CustodyEventType.Sold, "2017-01-20", Ministry, ThirdCountryBuyer));

        Assert.That(report.Diversion!.Reason, Is.EqualTo(DiversionReason.UnauthorizedReExport));
    }

    [Test]
    public void DestructionByTheLawfulHolderIsNoDiversion()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2016-02-01", Maker, Dealer),
            Ev("d", CustodyEventType.Destroyed, "2020-02-01", Dealer));

        Assert.That(report.Diversion, Is.Null);
    }
}
