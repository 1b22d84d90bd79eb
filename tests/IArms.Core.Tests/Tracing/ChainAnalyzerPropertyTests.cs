using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Tracing;

namespace IArms.Core.Tests.Tracing;

public class ChainAnalyzerPropertyTests
{
    // Small pools on purpose: many same-day events, repeated parties written differently,
    // duplicated ids and long pauses are what stress ordering, gaps and determinism.
    private static readonly Party?[] Parties =
    [
        null,
        new("Acme Arms", PartyKind.Manufacturer, "AT", null),
        new("ACME  arms", PartyKind.Company, null, "L-1"),
        new("Waffen Huber", PartyKind.Dealer, "AT", null),
        new("Alpen Handel", PartyKind.Company, "CH", null),
        new("MoD Depot", PartyKind.StateStockpile, "UA", null),
        new("Anna Berg", PartyKind.PrivatePerson, "FR", null),
        new("unknown", PartyKind.Unknown, null, null),
    ];

    private static readonly Authorization?[] Authorizations =
    [
        null, null, null,
        new(AuthorizationKind.ExportLicence, "EL-1"),
        new(AuthorizationKind.EndUserCertificate, "EUC-1"),
        new(AuthorizationKind.TransferPermit, "TP-1"),
    ];

    private static readonly DateOnly Epoch = new(2000, 1, 1);
    private static readonly DateTimeOffset Recorded = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Gen<CustodyEvent> EventGen(int index) =>
        from type in Gen.Elements(Enum.GetValues<CustodyEventType>())
        from step in Gen.Choose(0, 40)
        from sender in Gen.Elements(Parties)
        from recipient in Gen.Elements(Parties)
        from country in Gen.Elements<string?>(null, "AT", "CH", "UA")
        from auth in Gen.Elements(Authorizations)
        from hour in Gen.Choose(0, 2)
        from offset in Gen.Choose(0, 1)
        from duplicateId in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from source in Gen.Elements("AT-NCB", "UA-NCB")
        select new CustodyEvent(
            duplicateId ? "dup" : $"e{index}",
            type,
            Epoch.AddDays(step * 200),
            sender,
            recipient,
            country,
            null,
            null,
            null,
            auth,
            source,
            Recorded.AddHours(hour).ToOffset(TimeSpan.FromHours(offset)));

    private static Arbitrary<(CustodyEvent[] Events, CustodyEvent[] Shuffled, bool Obliterated)> ShuffledChains() =>
        (from n in Gen.Choose(0, 25)
         from events in Gen.CollectToArray(Enumerable.Range(0, n), EventGen)
         from shuffled in Gen.Shuffle(events)
         from obliterated in Gen.Elements(true, false)
         select (events, shuffled, obliterated)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 500)]
    public Property ShufflingTheInputGivesAnEqualReport() =>
        Prop.ForAll(ShuffledChains(), c =>
        {
            var a = ChainAnalyzer.Analyze(c.Events, c.Obliterated);
            var b = ChainAnalyzer.Analyze(c.Shuffled, c.Obliterated);
            // Compared both structurally and through the record's equality, so a mistake in
            // TraceReport.Equals cannot hide a difference.
            return a.Equals(b) && Render(a) == Render(b);
        });

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property ChainIsInDateThenTypeOrderAndKeepsEveryEvent() =>
        Prop.ForAll(ShuffledChains(), c =>
        {
            var chain = ChainAnalyzer.Analyze(c.Shuffled, false).Chain;
            var ordered = chain.Zip(chain.Skip(1)).All(p =>
                p.First.Date < p.Second.Date || (p.First.Date == p.Second.Date && p.First.Type <= p.Second.Type));
            return ordered && chain.Count == c.Events.Length && chain.Except(c.Events).Any() is false;
        });

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property ReportIsInternallyConsistent() =>
        Prop.ForAll(ShuffledChains(), c =>
        {
            var report = ChainAnalyzer.Analyze(c.Events, c.Obliterated);
            var ids = report.Chain.Select(e => e.Id).ToHashSet();
            var indicatorsSortedAndDistinct = report.Indicators.SequenceEqual(report.Indicators.Distinct().Order(StringComparer.Ordinal));
            var gapsPointIntoTheChain = report.Gaps.All(g => ids.Contains(g.AfterEventId) && ids.Contains(g.BeforeEventId));
            var chainGapMatches = report.Indicators.Contains(TraceIndicators.ChainGap) == (report.Gaps.Count > 0);
            var diversionPointsIntoTheChain = report.Diversion?.FirstIllicitEventId is null || ids.Contains(report.Diversion.FirstIllicitEventId);
            return indicatorsSortedAndDistinct && gapsPointIntoTheChain && chainGapMatches && diversionPointsIntoTheChain
                && (report.TimeToCrimeDays ?? 0) >= 0;
        });

    private static string Render(TraceReport r) =>
        string.Join("|", r.Chain.Select(e => e.ToString())) + "#"
        + string.Join("|", r.Gaps.Select(g => g.ToString())) + "#"
        + r.Diversion + "#" + r.TimeToCrimeDays + "#" + string.Join(",", r.Indicators);
}
