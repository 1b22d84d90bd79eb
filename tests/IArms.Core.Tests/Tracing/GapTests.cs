using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Tracing;

public class GapTests
{
    private static readonly Party Maker = P("Acme Arms", PartyKind.Manufacturer, "AT");
    private static readonly Party Dealer = P("Waffen Huber", PartyKind.Dealer, "AT");
    private static readonly Party Other = P("Waffen Maier", PartyKind.Dealer, "AT");
    private static readonly Party Buyer = P("Arms Import Ltd", PartyKind.Importer, "GB");

    [Test]
    public void SenderWhoIsNotTheHolderIsACustodyDiscontinuity()
    {
        var report = Analyze(
            Ev("m", CustodyEventType.Manufactured, "2015-01-01", to: Maker),
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("s2", CustodyEventType.Sold, "2016-02-01", Other, P("Anna Berg", PartyKind.PrivatePerson, "AT")));

        Assert.That(report.Gaps, Is.EqualTo(new[] { new ChainGap("s1", "s2", GapKind.CustodyDiscontinuity) }));
        Assert.That(report.Indicators, Does.Contain(TraceIndicators.ChainGap));
    }

    [Test]
    public void PartyNamesAreComparedIgnoringCaseAndWhitespaceAndKind()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("s2", CustodyEventType.Sold, "2016-02-01", P("  WAFFEN  huber ", PartyKind.Company, "AT"), Other));

        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void SameNameInAnotherCountryIsAnotherParty()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("s2", CustodyEventType.Sold, "2016-02-01", P("Waffen Huber", PartyKind.Dealer, "DE"), Other));

        Assert.That(report.Gaps.Single().Kind, Is.EqualTo(GapKind.CustodyDiscontinuity));
    }

    [Test]
    public void MissingCountryOnOneSideDoesNotMakeAnotherParty()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("s2", CustodyEventType.Sold, "2016-02-01", P("Waffen Huber", PartyKind.Dealer), Other));

        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void ImportRepeatingTheExportPartiesIsTheOtherEndOfTheShipment()
    {
        var report = Analyze(
            Ev("m", CustodyEventType.Manufactured, "2015-01-01", to: Maker),
            Ev("x", CustodyEventType.Exported, "2015-03-01", Maker, Buyer, "AT", Auth(AuthorizationKind.ExportLicence)),
            Ev("i", CustodyEventType.Imported, "2015-03-04", Maker, Buyer, "GB", Auth(AuthorizationKind.ImportLicence)));

        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void ImportFromSomeoneElseThanTheExporterIsAGap()
    {
        var report = Analyze(
            Ev("x", CustodyEventType.Exported, "2015-03-01", Maker, Buyer, "AT", Auth(AuthorizationKind.ExportLicence)),
            Ev("i", CustodyEventType.Imported, "2015-03-04", Other, Buyer, "GB", Auth(AuthorizationKind.ImportLicence)));

        Assert.That(report.Gaps, Is.EqualTo(new[] { new ChainGap("x", "i", GapKind.CustodyDiscontinuity) }));
    }

    [TestCase(CustodyEventType.ReportedStolen)]
    [TestCase(CustodyEventType.ReportedLost)]
    public void AfterALossOrTheftTheNextSenderIsNeverAGap(CustodyEventType report)
    {
        var result = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("r", report, "2016-02-01", Dealer),
            Ev("s2", CustodyEventType.Sold, "2017-02-01", P("Somebody", PartyKind.PrivatePerson, "AT"), Other));

        Assert.That(result.Gaps, Is.Empty);
    }

    [Test]
    public void UnknownSenderIsNotAGap()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("s2", CustodyEventType.Sold, "2016-02-01", null, Other),
            Ev("s3", CustodyEventType.Sold, "2016-03-01", P("unknown", PartyKind.Unknown), Dealer));

        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void FirstEventsSenderIsNotAGap()
    {
        Assert.That(Analyze(Ev("s1", CustodyEventType.Sold, "2015-02-01", Dealer, Other)).Gaps, Is.Empty);
    }

    [Test]
    public void MoreThanTenYearsWithoutAnEventIsSilence()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2005-06-15", Maker, Dealer),
            Ev("d", CustodyEventType.Destroyed, "2015-06-16", Dealer));

        Assert.That(report.Gaps, Is.EqualTo(new[] { new ChainGap("s1", "d", GapKind.Silence) }));
    }

    [Test]
    public void ExactlyTenYearsIsNotSilence()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2005-06-15", Maker, Dealer),
            Ev("d", CustodyEventType.Destroyed, "2015-06-15", Dealer));

        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void TenCalendarYearsFromALeapDayEndOnTheTwentyEighth()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2012-02-29", Maker, Dealer),
            Ev("d", CustodyEventType.Destroyed, "2022-03-01", Dealer));

        Assert.That(report.Gaps.Single().Kind, Is.EqualTo(GapKind.Silence));
    }

    [Test]
    public void DiscontinuityAndSilenceBetweenTheSameEventsAreBothListedDiscontinuityFirst()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2000-01-01", Maker, Dealer),
            Ev("s2", CustodyEventType.Sold, "2012-01-01", Other, P("Anna Berg", PartyKind.PrivatePerson, "AT")));

        Assert.That(report.Gaps.Select(g => g.Kind), Is.EqualTo(new[] { GapKind.CustodyDiscontinuity, GapKind.Silence }));
    }

    [Test]
    public void DestructionWithoutRecipientLeavesTheWeaponWithItsHolder()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, Dealer),
            Ev("d", CustodyEventType.Deactivated, "2016-02-01", Dealer),
            Ev("s2", CustodyEventType.Sold, "2016-03-01", Dealer, Other));

        Assert.That(report.Gaps, Is.Empty);
    }

    [Test]
    public void TransferToAnUnrecordedRecipientLeavesTheHolderUnknown()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2015-02-01", Maker, null),
            Ev("s2", CustodyEventType.Sold, "2016-03-01", Dealer, Other));

        Assert.That(report.Gaps, Is.Empty);
    }
}
