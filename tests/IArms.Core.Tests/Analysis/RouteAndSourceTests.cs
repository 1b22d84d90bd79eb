using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Analysis;
using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Analysis;

public class RouteAndSourceTests
{
    private static readonly Party Maker = P("Izhmash", PartyKind.Manufacturer, "RU");
    private static readonly Party Depot = P("Depot 12", PartyKind.StateStockpile, "UA");

    /// <summary>Made in RU, exported under licence to a UA depot, stolen there, seen in MD, seized in FR.</summary>
    private static TraceReport DepotRifle(string suffix = "") => Analyze(
        Ev("m" + suffix, CustodyEventType.Manufactured, "2010-01-01", to: Maker, country: "RU"),
        Ev("x" + suffix, CustodyEventType.Exported, "2011-01-01", Maker, Depot, "RU", Auth(AuthorizationKind.ExportLicence)),
        Ev("i" + suffix, CustodyEventType.Imported, "2011-01-10", Maker, Depot, "UA"),
        Ev("s" + suffix, CustodyEventType.ReportedStolen, "2022-04-01", Depot, null, "UA"),
        Ev("t" + suffix, CustodyEventType.Transferred, "2022-06-01", P("n/a", PartyKind.Unknown), P("Ion Rusu", PartyKind.PrivatePerson, "MD"), "MD"),
        Ev("z" + suffix, CustodyEventType.Seized, "2023-02-01", null, P("Police", PartyKind.Police, "FR"), "FR"));

    [Test]
    public void LegsFollowTheWeaponFromMakerThroughTransitToSeizure()
    {
        var legs = RouteLegs.Of(DepotRifle());
        Assert.That(legs, Is.EqualTo(new[]
        {
            new RouteLeg("RU", "UA", true, D("2011-01-01")),
            new RouteLeg("UA", "MD", false, D("2022-06-01")),
            new RouteLeg("MD", "FR", false, D("2023-02-01")),
        }));
    }

    [Test]
    public void DiversionCountryToSeizureCountryIsALegWithoutTransit()
    {
        var report = Analyze(
            Ev("m", CustodyEventType.Manufactured, "2015-01-01", to: P("Glock", PartyKind.Manufacturer, "AT"), country: "AT"),
            Ev("s", CustodyEventType.Sold, "2016-01-01", P("Glock", PartyKind.Manufacturer, "AT"), P("Hans", PartyKind.PrivatePerson, "AT"), "AT"),
            Ev("z", CustodyEventType.Seized, "2017-01-01", country: "SE"));
        Assert.That(RouteLegs.Of(report), Is.EqualTo(new[] { new RouteLeg("AT", "SE", false, D("2017-01-01")) }));
    }

    [Test]
    public void RecordedRecoveryCountryIsUsedOnlyWhenTheChainHasNoSeizure()
    {
        var report = Analyze(Ev("m", CustodyEventType.Manufactured, "2015-01-01", to: P("Glock", PartyKind.Manufacturer, "AT"), country: "AT"));
        Assert.That(RouteLegs.Of(report, "de", D("2020-01-01")), Is.EqualTo(new[] { new RouteLeg("AT", "DE", false, D("2020-01-01")) }));
        Assert.That(RouteLegs.Of(DepotRifle(), "DE", D("2024-01-01")).Select(l => l.ToCountry), Has.No.Member("DE"));
    }

    [Test]
    public void ARepeatedMoveCountsOnceAndUnlicensedWins()
    {
        var a = P("A", PartyKind.Dealer, "AT");
        var b = P("B", PartyKind.Dealer, "DE");
        var report = Analyze(
            Ev("1", CustodyEventType.Manufactured, "2015-01-01", to: a, country: "AT"),
            Ev("2", CustodyEventType.Transferred, "2015-02-01", a, b, "AT", Auth(AuthorizationKind.TransferPermit)),
            Ev("3", CustodyEventType.Transferred, "2015-03-01", b, a, "DE", Auth(AuthorizationKind.TransferPermit)),
            Ev("4", CustodyEventType.Transferred, "2015-04-01", a, b, "AT"));
        Assert.That(RouteLegs.Of(report), Is.EqualTo(new[]
        {
            new RouteLeg("AT", "DE", false, D("2015-02-01")),
            new RouteLeg("DE", "AT", true, D("2015-03-01")),
        }));
    }

    [Test]
    public void RoutesAddUpFirearmsMostFirst()
    {
        var legs = Enumerable.Range(0, 3).SelectMany(i => RouteLegs.Of(DepotRifle(i.ToString()))).ToList();
        legs.Add(new RouteLeg("AT", "SE", false, D("2017-01-01")));
        var routes = Routes.Aggregate(legs);
        Assert.That(routes[0], Is.EqualTo(new RouteSummary("MD", "FR", 3, 0, 3, D("2023-02-01"), D("2023-02-01"))));
        Assert.That(routes.Single(r => r.FromCountry == "RU"), Is.EqualTo(new RouteSummary("RU", "UA", 3, 3, 0, D("2011-01-01"), D("2011-01-01"))));
        Assert.That(routes[^1].FromCountry, Is.EqualTo("AT"));
    }

    [Test]
    public void DiversionFactNamesTheDepotAndItsCountry()
    {
        var fact = DiversionSources.Of(7, DepotRifle(), PartyResolution.Local)!;
        Assert.That(fact.CountryCode, Is.EqualTo("UA"));
        Assert.That(fact.Reason, Is.EqualTo(DiversionReason.Theft));
        Assert.That(fact.Date, Is.EqualTo(D("2022-04-01")));
        Assert.That(fact.TimeToCrimeDays, Is.Null);
        Assert.That(fact.Party, Is.EqualTo(new PartyRef(PartyResolver.LocalId(Depot)!, "Depot 12", PartyKind.StateStockpile, "UA")));
        Assert.That(DiversionSources.Of(7, Analyze(Ev("m", CustodyEventType.Manufactured, "2015-01-01", to: Maker)), PartyResolution.Local), Is.Null);
    }

    [Test]
    public void SourcesGroupByEachDimensionWithMedianTimeToCrime()
    {
        var depot = new PartyRef("p1", "Depot 12", PartyKind.StateStockpile, "UA");
        var depotAgain = depot with { Name = "DEPOT 12" };
        var dealer = new PartyRef("p2", "Guns Ltd", PartyKind.Dealer, "US");
        DiversionFact[] facts =
        [
            new(1, "UA", depot, DiversionReason.Theft, 100),
            new(2, "UA", depot, DiversionReason.Theft, 300),
            new(3, "UA", depotAgain, DiversionReason.Loss, null),
            new(4, "US", dealer, DiversionReason.PostCustodyGap, 50),
            new(5, null, null, DiversionReason.PostCustodyGap, null),
        ];

        var byParty = DiversionSources.Aggregate(facts, DiversionGrouping.Party);
        Assert.That(byParty[0], Is.EqualTo(new DiversionSourceGroup(null, depot, null, null, 3, 200)));
        Assert.That(byParty.Select(g => g.Firearms), Is.EqualTo(new[] { 3, 1, 1 }));

        var byCountry = DiversionSources.Aggregate(facts, DiversionGrouping.Country);
        Assert.That(byCountry[0], Is.EqualTo(new DiversionSourceGroup("UA", null, null, null, 3, 200)));

        var byReason = DiversionSources.Aggregate(facts, DiversionGrouping.Reason);
        Assert.That(byReason.Select(g => (g.Reason, g.Firearms)), Is.EqualTo(new (DiversionReason?, int)[]
        {
            (DiversionReason.PostCustodyGap, 2), (DiversionReason.Theft, 2), (DiversionReason.Loss, 1),
        }));

        var byKind = DiversionSources.Aggregate(facts, DiversionGrouping.PartyKind);
        Assert.That(byKind[0], Is.EqualTo(new DiversionSourceGroup(null, null, null, PartyKind.StateStockpile, 3, 200)));
        Assert.That(byKind.Single(g => g.PartyKind is null).MedianTimeToCrimeDays, Is.Null);
    }

    [Test]
    public void MedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() =>
        Assert.That(DiversionSources.Median([40, 10, 30, 20]), Is.EqualTo(25));

    private static Arbitrary<(RouteLeg[] Legs, RouteLeg[] Shuffled)> LegSets() =>
        (from n in Gen.Choose(0, 40)
         from legs in Gen.ArrayOf(
             from f in Gen.Elements("AT", "UA", "FR")
             from t in Gen.Elements("DE", "MD", "FR")
             from lic in Gen.Elements(true, false)
             from day in Gen.Choose(0, 3000)
             select new RouteLeg(f, t, lic, new DateOnly(2015, 1, 1).AddDays(day)), n)
         from shuffled in Gen.Shuffle(legs)
         select (legs, shuffled)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property RoutesCountEveryLegOnceInAnyOrder() =>
        Prop.ForAll(LegSets(), s =>
        {
            var a = Routes.Aggregate(s.Legs);
            var b = Routes.Aggregate(s.Shuffled);
            return a.SequenceEqual(b)
                && a.Sum(r => r.Firearms) == s.Legs.Length
                && a.All(r => r.Licensed + r.Unlicensed == r.Firearms && r.FirstSeen <= r.LastSeen)
                && a.Zip(a.Skip(1)).All(p => p.First.Firearms >= p.Second.Firearms);
        });
}
