using System.Text;
using System.Xml;
using System.Xml.Linq;
using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Analysis;
using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Analysis;

public class PartyNetworkTests
{
    private static readonly Party Maker = P("Glock GmbH", PartyKind.Manufacturer, "AT");
    private static readonly Party Dealer = P("Waffen Huber", PartyKind.Dealer, "AT");

    /// <summary>A pistol sold by the dealer to a buyer spelled <paramref name="buyerName"/>, then seized in <paramref name="seizedIn"/>.</summary>
    private static TraceReport StrawPistol(string buyerName, string seizedIn, string sold = "2024-03-01") => Analyze(
        Ev("m", CustodyEventType.Manufactured, "2023-01-01", to: Maker, country: "AT"),
        Ev("x", CustodyEventType.Sold, "2023-06-01", Maker, Dealer, "AT"),
        Ev("s", CustodyEventType.Sold, sold, null, P(buyerName, PartyKind.PrivatePerson, "AT"), "AT"),
        Ev("z", CustodyEventType.Seized, "2024-09-01", null, P("Police " + seizedIn, PartyKind.Police, seizedIn), seizedIn));

    [Test]
    public void RolesComeFromEventTypesAndPositions()
    {
        var depot = P("Depot 7", PartyKind.StateStockpile, "UA");
        var report = Analyze(
            Ev("m", CustodyEventType.Manufactured, "2010-01-01", to: Maker, country: "AT"),
            Ev("x", CustodyEventType.Exported, "2011-01-01", Maker, depot, "AT", Auth(AuthorizationKind.ExportLicence)),
            Ev("i", CustodyEventType.Imported, "2011-01-05", Maker, depot, "UA"),
            Ev("r", CustodyEventType.ReportedStolen, "2020-01-01", depot, null, "UA"));
        var parties = PartyRoles.Of(1, report, PartyResolution.Local);
        var roles = parties.Parties.ToDictionary(p => p.Party.Name, p => p.Roles);
        Assert.That(roles["Glock GmbH"], Is.EqualTo(PartyRole.Exporter));
        Assert.That(roles["Depot 7"], Is.EqualTo(PartyRole.Importer | PartyRole.LastLawfulHolder));
        Assert.That(parties.Diverted, Is.True);
    }

    [Test]
    public void AnOmittedSellerIsTheHolderBeforeTheSale()
    {
        var parties = PartyRoles.Of(1, StrawPistol("Jean Martin", "FR"), PartyResolution.Local);
        var roles = parties.Parties.ToDictionary(p => p.Party.Name, p => p.Roles);
        Assert.That(roles["Waffen Huber"], Is.EqualTo(PartyRole.Buyer | PartyRole.Seller));
        Assert.That(roles["Jean Martin"], Is.EqualTo(PartyRole.Buyer | PartyRole.LastLawfulHolder));
        Assert.That(parties.Edges.Count(e => e.EventType == CustodyEventType.Sold), Is.EqualTo(4));
        // The seizing police are not part of the weapon's trade.
        Assert.That(roles.Keys, Has.None.StartsWith("Police"));
        Assert.That(parties.Edges.Select(e => e.EventType), Has.No.Member(CustodyEventType.Seized));
    }

    [Test]
    public void AStrawBuyerSpelledDifferentlyRanksFirst()
    {
        string[] spellings = ["Jean-Pierre MARTIN", "Martin, Jean Pierre", "jean pierre martín", "MARTIN Jean-Pierre"];
        string[] countries = ["FR", "BE", "NL", "DE"];
        var firearms = spellings.Select((name, i) => PartyRoles.Of(100 + i, StrawPistol(name, countries[i]), PartyResolution.Local)).ToList();
        firearms.Add(PartyRoles.Of(200, StrawPistol("Someone Else", "FR"), PartyResolution.Local));

        var ranking = PartyRoles.Rank(firearms, minFirearms: 2, role: PartyRole.Buyer | PartyRole.LastLawfulHolder);
        // The dealer also sold all five, but as buyer only from the maker; the role filter counts either role.
        var buyer = ranking.Single(r => r.Party.Kind == PartyKind.PrivatePerson);
        Assert.That(buyer.FirearmIds, Is.EqualTo(new long[] { 100, 101, 102, 103 }));
        Assert.That(buyer.Roles, Is.EqualTo(new RoleCounts(4, 4, 0, 0, 0)));

        // Unfiltered, the dealer is in all five chains, but the buyer lost custody of four and leads.
        var all = PartyRoles.Rank(firearms);
        Assert.That(all[0].Party.Id, Is.EqualTo(buyer.Party.Id));
        Assert.That(all[1].Party.Name, Is.EqualTo("Waffen Huber"));
        Assert.That(all[1].Firearms, Is.EqualTo(5));

        var lastHolders = PartyRoles.Rank(firearms, 2, PartyRole.LastLawfulHolder);
        Assert.That(lastHolders.Select(r => r.Party.Id), Is.EqualTo(new[] { buyer.Party.Id }));

        var network = PartyNetwork.Around(firearms.SelectMany(f => f.Edges), buyer.Party.Id, 2);
        Assert.That(network.Nodes.Where(n => n.Kind == NetworkNodeKind.Firearm).Select(n => n.FirearmId), Is.EquivalentTo(new long[] { 100, 101, 102, 103 }));
        Assert.That(network.Nodes[0], Is.EqualTo(new NetworkNode("party:" + buyer.Party.Id, NetworkNodeKind.Party, null, buyer.Party.Id, 0)));
        // Depth 2 reaches the dealer and the maker, but not firearm 200, which only they share.
        Assert.That(network.Nodes.Select(n => n.Id), Has.No.Member("firearm:200"));
        Assert.That(network.Edges.All(e => network.Nodes.Any(n => n.Id == e.From) && network.Nodes.Any(n => n.Id == e.To)), Is.True);

        var wider = PartyNetwork.Around(firearms.SelectMany(f => f.Edges), buyer.Party.Id, 3);
        Assert.That(wider.Nodes.Select(n => n.Id), Has.Member("firearm:200"));
    }

    [Test]
    public void FirearmsNeverDivertedDoNotCount()
    {
        var kept = Analyze(Ev("m", CustodyEventType.Manufactured, "2023-01-01", to: Maker, country: "AT"),
            Ev("s", CustodyEventType.Sold, "2023-06-01", Maker, Dealer, "AT"));
        var firearms = new[] { PartyRoles.Of(1, kept, PartyResolution.Local), PartyRoles.Of(2, kept, PartyResolution.Local) };
        Assert.That(firearms[0].Diverted, Is.False);
        Assert.That(PartyRoles.Rank(firearms, 1), Is.Empty);
    }

    [Test]
    public void UnknownPartyHasAnEmptyNetwork() =>
        Assert.That(PartyNetwork.Around([], "p0", 2), Is.EqualTo(new Network([], [])).Using<Network>((a, b) => a.Nodes.Count == b.Nodes.Count && a.Edges.Count == b.Edges.Count));

    [Test]
    public void GraphMLDeclaresItsAttributesAndNamesEveryNode()
    {
        var edges = new[]
        {
            new FirearmPartyEdge(1, "pA", CustodyEventType.Sold, D("2024-01-02")),
            new FirearmPartyEdge(2, "pA", CustodyEventType.Sold, D("2024-01-03")),
            new FirearmPartyEdge(2, "pB", CustodyEventType.Exported, D("2023-05-06")),
        };
        var network = PartyNetwork.Around(edges, "pA", 2);
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, new XmlWriterSettings { Indent = true }))
        {
            GraphMLWriter.Write(writer, network, new Dictionary<string, string> { ["party:pA"] = "Jean <Martin> & Co" });
        }

        var doc = XDocument.Parse(text.ToString());
        XNamespace g = "http://graphml.graphdrawing.org/xmlns";
        Assert.That(doc.Root!.Name, Is.EqualTo(g + "graphml"));
        var keys = doc.Root.Elements(g + "key").Select(k => (string)k.Attribute("id")!).ToHashSet();
        var nodes = doc.Descendants(g + "node").ToList();
        var edgeElements = doc.Descendants(g + "edge").ToList();
        Assert.That(nodes, Has.Count.EqualTo(4));
        Assert.That(edgeElements, Has.Count.EqualTo(3));
        var nodeIds = nodes.Select(n => (string)n.Attribute("id")!).ToHashSet();
        Assert.That(edgeElements.All(e => nodeIds.Contains((string)e.Attribute("source")!) && nodeIds.Contains((string)e.Attribute("target")!)), Is.True);
        Assert.That(doc.Descendants(g + "data").All(d => keys.Contains((string)d.Attribute("key")!)), Is.True);
        Assert.That(nodes.Single(n => (string)n.Attribute("id")! == "party:pA").Elements(g + "data").Select(d => d.Value), Has.Member("Jean <Martin> & Co"));
        Assert.That(edgeElements.SelectMany(e => e.Elements(g + "data")).Select(d => d.Value), Has.Member("exported").And.Member("2023-05-06"));
    }

    private static Arbitrary<(FirearmPartyEdge[] Edges, FirearmPartyEdge[] Shuffled, int Depth)> Graphs() =>
        (from n in Gen.Choose(1, 40)
         from edges in Gen.ArrayOf(
             from f in Gen.Choose(1, 12)
             from p in Gen.Elements("pA", "pB", "pC", "pD", "pE", "pF")
             from t in Gen.Elements(CustodyEventType.Sold, CustodyEventType.Exported)
             select new FirearmPartyEdge(f, p, t, new DateOnly(2020, 1, 1)), n)
         from shuffled in Gen.Shuffle(edges)
         from depth in Gen.Choose(0, 5)
         select (edges, shuffled, depth)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property NetworkIsClosedUnderItsDepthAndIndependentOfEdgeOrder() =>
        Prop.ForAll(Graphs(), g =>
        {
            var start = g.Edges[0].PartyId;
            var a = PartyNetwork.Around(g.Edges, start, g.Depth);
            var b = PartyNetwork.Around(g.Shuffled, start, g.Depth);
            var ids = a.Nodes.Select(n => n.Id).ToHashSet();
            // Every node one hop from a node short of the depth limit is in the network.
            var closed = g.Edges.All(e =>
            {
                var f = NetworkNode.FirearmNodeId(e.FirearmId);
                var p = NetworkNode.PartyNodeId(e.PartyId);
                var df = a.Nodes.FirstOrDefault(n => n.Id == f)?.Depth;
                var dp = a.Nodes.FirstOrDefault(n => n.Id == p)?.Depth;
                return !((df < g.Depth && dp is null) || (dp < g.Depth && df is null));
            });
            return a.Nodes.SequenceEqual(b.Nodes) && a.Edges.SequenceEqual(b.Edges) && closed
                && a.Edges.All(e => ids.Contains(e.From) && ids.Contains(e.To))
                && a.Nodes.All(n => n.Depth <= g.Depth && (n.Kind == NetworkNodeKind.Party) == (n.Depth % 2 == 0));
        });
}
