using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Tracing;

public class TimeToCrimeAndIndicatorTests
{
    private static readonly Party Dealer = P("Waffen Huber", PartyKind.Dealer, "AT");
    private static readonly Party Person = P("Anna Berg", PartyKind.PrivatePerson, "AT");

    [Test]
    public void TimeToCrimeRunsFromTheLastSaleToTheFirstSeizureAfterIt()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2010-01-01", P("Maker", PartyKind.Manufacturer, "AT"), Dealer),
            Ev("s2", CustodyEventType.Sold, "2020-01-01", Dealer, Person),
            Ev("z1", CustodyEventType.Recovered, "2020-01-31"),
            Ev("z2", CustodyEventType.Seized, "2020-03-01"));

        Assert.That(report.TimeToCrimeDays, Is.EqualTo(30));
    }

    [Test]
    public void TimeToCrimeIsNullWithoutASale()
    {
        var report = Analyze(
            Ev("m", CustodyEventType.Manufactured, "2010-01-01", to: Dealer),
            Ev("z", CustodyEventType.Seized, "2011-01-01"));

        Assert.That(report.TimeToCrimeDays, Is.Null);
    }

    [Test]
    public void TimeToCrimeIsNullWhenNothingWasFoundAfterTheLastSale()
    {
        var report = Analyze(
            Ev("s1", CustodyEventType.Sold, "2010-01-01", Dealer, Person),
            Ev("z", CustodyEventType.Seized, "2011-01-01"),
            Ev("s2", CustodyEventType.Sold, "2012-01-01", P("Police auction", PartyKind.Police, "AT"), Dealer));

        Assert.That(report.TimeToCrimeDays, Is.Null);
    }

    [Test]
    public void SeizureOnTheDayOfSaleIsZeroDays()
    {
        var report = Analyze(
            Ev("z", CustodyEventType.Seized, "2020-05-05"),
            Ev("s", CustodyEventType.Sold, "2020-05-05", Dealer, Person));

        Assert.That(report.TimeToCrimeDays, Is.Zero);
    }

    [TestCase("2023-01-09", true)]
    [TestCase("2023-01-10", false)]
    public void ShortTimeToCrimeMeansUnderThreeCalendarYears(string seized, bool expected)
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2020-01-10", Dealer, Person),
            Ev("z", CustodyEventType.Seized, seized));

        Assert.That(report.Indicators.Contains(TraceIndicators.ShortTimeToCrime), Is.EqualTo(expected));
    }

    [Test]
    public void TwoSeizuresAreMultipleRecoveries()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2010-01-10", Dealer, Person),
            Ev("z1", CustodyEventType.Seized, "2015-01-01"),
            Ev("z2", CustodyEventType.Seized, "2019-01-01"));

        Assert.That(report.Indicators, Does.Contain(TraceIndicators.MultipleRecoveries));
    }

    [Test]
    public void OneSeizureAndOneRecoveryAreNotMultipleRecoveries()
    {
        var report = Analyze(
            Ev("s", CustodyEventType.Sold, "2010-01-10", Dealer, Person),
            Ev("z1", CustodyEventType.Seized, "2015-01-01"),
            Ev("z2", CustodyEventType.Recovered, "2019-01-01"));

        Assert.That(report.Indicators, Does.Not.Contain(TraceIndicators.MultipleRecoveries));
    }

    [Test]
    public void ObliteratedSerialComesFromTheRecord()
    {
        var report = ChainAnalyzer.Analyze([Ev("s", CustodyEventType.Sold, "2010-01-10", Dealer, Person)], obliteratedSerial: true);

        Assert.That(report.Indicators, Is.EqualTo(new[] { TraceIndicators.ObliteratedSerial }));
    }

    [TestCase(PartyKind.Police, true)]
    [TestCase(PartyKind.Military, true)]
    [TestCase(PartyKind.StateStockpile, true)]
    [TestCase(PartyKind.Dealer, false)]
    public void StockpileLossDependsOnTheLastLawfulHoldersKind(PartyKind kind, bool expected)
    {
        var holder = P("Holder", kind, "AT");
        var report = Analyze(
            Ev("a", CustodyEventType.Assigned, "2010-01-10", P("State", PartyKind.StateStockpile, "AT"), holder),
            Ev("r", CustodyEventType.ReportedStolen, "2015-01-01", holder));

        Assert.That(report.Indicators.Contains(TraceIndicators.StockpileLoss), Is.EqualTo(expected));
    }

    [Test]
    public void IndicatorsAreSortedOrdinally()
    {
        var police = P("Police Store", PartyKind.Police, "AT");
        var report = ChainAnalyzer.Analyze(
        [
            Ev("s", CustodyEventType.Sold, "2000-01-10", Dealer, police),
            Ev("r", CustodyEventType.ReportedStolen, "2015-01-01", police),
            Ev("z1", CustodyEventType.Seized, "2015-06-01"),
            Ev("z2", CustodyEventType.Seized, "2016-06-01"),
        ], obliteratedSerial: true);

        Assert.That(report.Indicators, Is.EqualTo(new[]
        {
            TraceIndicators.ChainGap, TraceIndicators.MultipleRecoveries, TraceIndicators.ObliteratedSerial, TraceIndicators.StockpileLoss,
        }));
        Assert.That(report.Indicators, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }
}
