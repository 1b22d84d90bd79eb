using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Analysis;
using IArms.Core.Tracing;

namespace IArms.Core.Tests.Analysis;

/// <summary>Properties of the per-firearm facts over random chains: they depend on the events, not on their arrival order.</summary>
public class ChainFactPropertyTests
{
    private static readonly Party?[] Parties =
    [
        null,
        new("Acme Arms GmbH", PartyKind.Manufacturer, "AT", null),
        new("ACME arms", PartyKind.Company, null, "L-1"),
        new("Waffen Huber", PartyKind.Dealer, "DE", "D-7"),
        new("MoD Depot", PartyKind.StateStockpile, "UA", null),
        new("Anna Berg", PartyKind.PrivatePerson, "FR", null),
        new("Police", PartyKind.Police, "FR", null),
        new("unknown", PartyKind.Unknown, null, null),
    ];

    private static Gen<CustodyEvent> EventGen(int index) =>
        from type in Gen.Elements(Enum.GetValues<CustodyEventType>())
        from step in Gen.Choose(0, 30)
        from sender in Gen.Elements(Parties)
        from recipient in Gen.Elements(Parties)
        from country in Gen.Elements<string?>(null, "AT", "DE", "UA", "FR")
        from licensed in Gen.Elements(false, false, true)
        select new CustodyEvent($"e{index}", type, new DateOnly(2000, 1, 1).AddDays(step * 100), sender, recipient, country,
            null, null, null, licensed ? new Authorization(AuthorizationKind.ExportLicence, "EL-1") : null, "XX-NCB",
            new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static Arbitrary<(CustodyEvent[] Events, CustodyEvent[] Shuffled)> Chains() =>
        (from n in Gen.Choose(0, 20)
         from events in Gen.CollectToArray(Enumerable.Range(0, n), EventGen)
         from shuffled in Gen.Shuffle(events)
         select (events, shuffled)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property LegsAreDistinctCrossingsInAnyArrivalOrder() =>
        Prop.ForAll(Chains(), c =>
        {
            var a = RouteLegs.Of(ChainAnalyzer.Analyze(c.Events, false));
            var b = RouteLegs.Of(ChainAnalyzer.Analyze(c.Shuffled, false));
            return a.SequenceEqual(b)
                && a.All(l => l.FromCountry != l.ToCountry)
                && a.Select(l => (l.FromCountry, l.ToCountry)).Distinct().Count() == a.Count;
        });

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property RolesAndEdgesDoNotDependOnArrivalOrder() =>
        Prop.ForAll(Chains(), c =>
        {
            var a = PartyRoles.Of(1, ChainAnalyzer.Analyze(c.Events, false), PartyResolution.Local);
            var b = PartyRoles.Of(1, ChainAnalyzer.Analyze(c.Shuffled, false), PartyResolution.Local);
            var fa = DiversionSources.Of(1, ChainAnalyzer.Analyze(c.Events, false), PartyResolution.Local);
            var fb = DiversionSources.Of(1, ChainAnalyzer.Analyze(c.Shuffled, false), PartyResolution.Local);
            var ids = a.Parties.Select(p => p.Party.Id).ToHashSet();
            return a.Parties.SequenceEqual(b.Parties) && a.Edges.SequenceEqual(b.Edges) && Equals(fa, fb)
                && a.Diverted == b.Diverted
                && a.Edges.All(e => ids.Contains(e.PartyId))
                && (fa?.Party is null || ids.Contains(fa.Party.Id));
        });
}
