using System.Globalization;
using System.Xml;
using IArms.Core.Tracing;

namespace IArms.Core.Analysis;

/// <summary>What a node of the firearm–party graph stands for.</summary>
public enum NetworkNodeKind
{
    Firearm,
    Party,
}

/// <summary>A node of the firearm–party graph.</summary>
/// <param name="Id">Graph-wide id: <c>firearm:{id}</c> or <c>party:{id}</c>, so the two kinds never clash.</param>
/// <param name="Kind">Firearm or party.</param>
/// <param name="FirearmId">The firearm's id, for a firearm node.</param>
/// <param name="PartyId">The party's id, for a party node.</param>
/// <param name="Depth">Hops from the starting party (0 for the party itself, 1 for its firearms, ...).</param>
public sealed record NetworkNode(string Id, NetworkNodeKind Kind, long? FirearmId, string? PartyId, int Depth)
{
    /// <summary>The node id of a firearm.</summary>
    public static string FirearmNodeId(long firearmId) => "firearm:" + firearmId.ToString(CultureInfo.InvariantCulture);

    /// <summary>The node id of a party.</summary>
    public static string PartyNodeId(string partyId) => "party:" + partyId;
}

/// <summary>An edge of the firearm–party graph, from the firearm node to the party node.</summary>
public sealed record NetworkEdge(string From, string To, CustodyEventType EventType, DateOnly Date);

/// <summary>A connected part of the firearm–party graph.</summary>
/// <param name="Nodes">In breadth-first order (by depth, then id, ordinal).</param>
/// <param name="Edges">Every edge between two of the nodes, ordered by from, to, date, event type.</param>
public sealed record Network(IReadOnlyList<NetworkNode> Nodes, IReadOnlyList<NetworkEdge> Edges);

/// <summary>The network around a party: breadth-first search over the bipartite firearm–party graph.</summary>
public static class PartyNetwork
{
    /// <summary>
    /// The nodes within <paramref name="depth"/> hops of <paramref name="partyId"/> (depth 2: the
    /// party, its firearms and their other parties) and the edges between them. An unknown party gives
    /// an empty network. O(E log E) over the edges reached.
    /// </summary>
    public static Network Around(IEnumerable<FirearmPartyEdge> edges, string partyId, int depth)
    {
        ArgumentNullException.ThrowIfNull(edges);
        var byParty = new Dictionary<string, List<FirearmPartyEdge>>(StringComparer.Ordinal);
        var byFirearm = new Dictionary<long, List<FirearmPartyEdge>>();
        foreach (var edge in edges)
        {
            Add(byParty, edge.PartyId, edge);
            Add(byFirearm, edge.FirearmId, edge);
        }

        return Around(partyId, depth,
            p => byParty.TryGetValue(p, out var list) ? list : [],
            f => byFirearm.TryGetValue(f, out var list) ? list : []);
    }

    /// <summary>
    /// As <see cref="Around(IEnumerable{FirearmPartyEdge}, string, int)"/>, asking for the edges of
    /// one node at a time, so a caller can walk indexed tables instead of loading the whole graph.
    /// </summary>
    /// <param name="partyId">The starting party.</param>
    /// <param name="depth">How many hops to follow; 0 gives the party alone (when it has any edge).</param>
    /// <param name="edgesOfParty">Every edge of one party.</param>
    /// <param name="edgesOfFirearm">Every edge of one firearm.</param>
    public static Network Around(
        string partyId, int depth, Func<string, IEnumerable<FirearmPartyEdge>> edgesOfParty, Func<long, IEnumerable<FirearmPartyEdge>> edgesOfFirearm)
    {
        ArgumentNullException.ThrowIfNull(partyId);
        ArgumentNullException.ThrowIfNull(edgesOfParty);
        ArgumentNullException.ThrowIfNull(edgesOfFirearm);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);

        var start = edgesOfParty(partyId).ToList();
        if (start.Count == 0)
        {
            return new Network([], []);
        }

        var parties = new Dictionary<string, int>(StringComparer.Ordinal) { [partyId] = 0 };
        var firearms = new Dictionary<long, int>();
        var edges = new HashSet<FirearmPartyEdge>();
        var partyFrontier = new List<string> { partyId };
        var firearmFrontier = new List<long>();
        for (var d = 1; d <= depth; d++)
        {
            if (d % 2 == 1)
            {
                // Parties → firearms.
                firearmFrontier.Clear();
                foreach (var p in partyFrontier)
                {
                    foreach (var edge in d == 1 ? start : edgesOfParty(p))
                    {
                        edges.Add(edge);
                        if (firearms.TryAdd(edge.FirearmId, d))
                        {
                            firearmFrontier.Add(edge.FirearmId);
                        }
                    }
                }
            }
            else
            {
                partyFrontier.Clear();
                foreach (var f in firearmFrontier)
                {
                    foreach (var edge in edgesOfFirearm(f))
                    {
                        edges.Add(edge);
                        if (parties.TryAdd(edge.PartyId, d))
                        {
                            partyFrontier.Add(edge.PartyId);
                        }
                    }
                }
            }
        }

        var nodes = new List<NetworkNode>(parties.Count + firearms.Count);
        foreach (var (id, d) in parties)
        {
            nodes.Add(new NetworkNode(NetworkNode.PartyNodeId(id), NetworkNodeKind.Party, null, id, d));
        }

        foreach (var (id, d) in firearms)
        {
            nodes.Add(new NetworkNode(NetworkNode.FirearmNodeId(id), NetworkNodeKind.Firearm, id, null, d));
        }

        nodes.Sort(static (x, y) =>
        {
            var c = x.Depth.CompareTo(y.Depth);
            return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
        });

        // An edge walked from a node at the last depth can lead outside the set; keep only edges inside it.
        var kept = new List<NetworkEdge>(edges.Count);
        foreach (var edge in edges)
        {
            if (parties.ContainsKey(edge.PartyId) && firearms.ContainsKey(edge.FirearmId))
            {
                kept.Add(new NetworkEdge(NetworkNode.FirearmNodeId(edge.FirearmId), NetworkNode.PartyNodeId(edge.PartyId), edge.EventType, edge.Date));
            }
        }

        kept.Sort(static (x, y) =>
        {
            var c = string.CompareOrdinal(x.From, y.From);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(x.To, y.To);
            if (c != 0)
            {
                return c;
            }

            c = x.Date.CompareTo(y.Date);
            return c != 0 ? c : ((int)x.EventType).CompareTo((int)y.EventType);
        });
        return new Network(nodes.AsReadOnly(), kept.AsReadOnly());
    }

    private static void Add<TKey>(Dictionary<TKey, List<FirearmPartyEdge>> map, TKey key, FirearmPartyEdge edge)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            list = [];
            map[key] = list;
        }

        list.Add(edge);
    }
}

/// <summary>Writes a <see cref="Network"/> as GraphML (http://graphml.graphdrawing.org/), which Gephi, yEd and i2 read.</summary>
public static class GraphMLWriter
{
    private const string Ns = "http://graphml.graphdrawing.org/xmlns";

    /// <summary>
    /// Writes <paramref name="network"/> as one undirected GraphML document. Node attributes:
    /// <c>kind</c> (firearm | party), <c>label</c> and <c>depth</c>; edge attributes: <c>eventType</c>
    /// (wire name) and <c>date</c> (ISO 8601). Each is declared by a <c>&lt;key&gt;</c>, as GraphML requires.
    /// </summary>
    /// <param name="writer">Where to write; the caller owns and disposes it.</param>
    /// <param name="network">The graph.</param>
    /// <param name="labels">Node id → label (a party's name, a firearm's serial); nodes without one are labelled by their id.</param>
    public static void Write(XmlWriter writer, Network network, IReadOnlyDictionary<string, string>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(network);
        writer.WriteStartDocument();
        writer.WriteStartElement("graphml", Ns);
        Key("d0", "node", "kind", "string");
        Key("d1", "node", "label", "string");
        Key("d2", "node", "depth", "int");
        Key("d3", "edge", "eventType", "string");
        Key("d4", "edge", "date", "string");

        writer.WriteStartElement("graph", Ns);
        writer.WriteAttributeString("id", "G");
        writer.WriteAttributeString("edgedefault", "undirected");
        foreach (var node in network.Nodes)
        {
            writer.WriteStartElement("node", Ns);
            writer.WriteAttributeString("id", node.Id);
            Data("d0", node.Kind == NetworkNodeKind.Firearm ? "firearm" : "party");
            Data("d1", labels is not null && labels.TryGetValue(node.Id, out var label) ? label : node.Id);
            Data("d2", node.Depth.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndElement();
        }

        var n = 0;
        foreach (var edge in network.Edges)
        {
            writer.WriteStartElement("edge", Ns);
            writer.WriteAttributeString("id", "e" + (n++).ToString(CultureInfo.InvariantCulture));
            writer.WriteAttributeString("source", edge.From);
            writer.WriteAttributeString("target", edge.To);
            Data("d3", CustodyVocabulary.ToWire(edge.EventType));
            Data("d4", edge.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteEndDocument();

        void Key(string id, string domain, string name, string type)
        {
            writer.WriteStartElement("key", Ns);
            writer.WriteAttributeString("id", id);
            writer.WriteAttributeString("for", domain);
            writer.WriteAttributeString("attr.name", name);
            writer.WriteAttributeString("attr.type", type);
            writer.WriteEndElement();
        }

        void Data(string key, string value)
        {
            writer.WriteStartElement("data", Ns);
            writer.WriteAttributeString("key", key);
            writer.WriteString(value);
            writer.WriteEndElement();
        }
    }
}
