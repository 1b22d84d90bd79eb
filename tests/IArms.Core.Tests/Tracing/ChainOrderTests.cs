using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Tracing;

public class ChainOrderTests
{
    [Test]
    public void EventsAreOrderedByDateFirst()
    {
        var report = Analyze(
            Ev("late", CustodyEventType.Manufactured, "2020-01-02"),
            Ev("early", CustodyEventType.Destroyed, "2020-01-01"));

        Assert.That(Ids(report), Is.EqualTo(new[] { "early", "late" }));
    }

    [Test]
    public void SameDayEventsFollowTheNaturalOrderOfTypes()
    {
        var types = Enum.GetValues<CustodyEventType>();
        var reversed = types.Reverse().Select(t => Ev(t.ToString(), t, "2020-05-05")).ToArray();

        var report = Analyze(reversed);

        Assert.That(report.Chain.Select(e => e.Type), Is.EqualTo(types));
    }

    [Test]
    public void ExportIsBeforeImportOnTheSameDay()
    {
        var report = Analyze(
            Ev("imp", CustodyEventType.Imported, "2019-07-01"),
            Ev("exp", CustodyEventType.Exported, "2019-07-01"));

        Assert.That(Ids(report), Is.EqualTo(new[] { "exp", "imp" }));
    }

    [Test]
    public void SameDayAndTypeIsBrokenByRecordingTime()
    {
        var report = Analyze(
            Ev("b", CustodyEventType.Sold, "2019-07-01", recordedAt: Recorded.AddHours(1)),
            Ev("a", CustodyEventType.Sold, "2019-07-01", recordedAt: Recorded.AddHours(2)));

        Assert.That(Ids(report), Is.EqualTo(new[] { "b", "a" }));
    }

    [Test]
    public void SameInstantIsBrokenByOrdinalId()
    {
        var report = Analyze(
            Ev("e-9", CustodyEventType.Sold, "2019-07-01"),
            Ev("E-9", CustodyEventType.Sold, "2019-07-01"),
            Ev("e-10", CustodyEventType.Sold, "2019-07-01"));

        Assert.That(Ids(report), Is.EqualTo(new[] { "E-9", "e-10", "e-9" }));
    }

    [Test]
    public void DuplicatedIdsStillSortTheSameWhicheverArrivesFirst()
    {
        var x = Ev("dup", CustodyEventType.Sold, "2019-07-01", source: "DE-NCB");
        var y = Ev("dup", CustodyEventType.Sold, "2019-07-01", source: "AT-NCB");

        Assert.That(Analyze(x, y), Is.EqualTo(Analyze(y, x)));
        Assert.That(Analyze(x, y).Chain[0].Source, Is.EqualTo("AT-NCB"));
    }

    [Test]
    public void EmptyInputGivesAnEmptyReport()
    {
        var report = ChainAnalyzer.Analyze([], obliteratedSerial: false);

        Assert.Multiple(() =>
        {
            Assert.That(report.Chain, Is.Empty);
            Assert.That(report.Gaps, Is.Empty);
            Assert.That(report.Diversion, Is.Null);
            Assert.That(report.TimeToCrimeDays, Is.Null);
            Assert.That(report.Indicators, Is.Empty);
        });
    }

    [Test]
    public void NullEventIsRejected()
    {
        Assert.That(() => ChainAnalyzer.Analyze([null!], false), Throws.ArgumentException);
    }

    [Test]
    public void OrderGivesTheChainOrderOfTheAnalysis()
    {
        CustodyEvent[] events =
        [
            Ev("c", CustodyEventType.Seized, "2021-11-15"),
            Ev("a", CustodyEventType.Manufactured, "2020-11-02"),
            Ev("b2", CustodyEventType.Imported, "2021-01-10"),
            Ev("b1", CustodyEventType.Exported, "2021-01-10"),
        ];

        Assert.That(ChainAnalyzer.Order(events).Select(e => e.Id), Is.EqualTo(Ids(Analyze(events))));
        Assert.That(ChainAnalyzer.Order(events).Select(e => e.Id), Is.EqualTo(new[] { "a", "b1", "b2", "c" }));
    }
}
