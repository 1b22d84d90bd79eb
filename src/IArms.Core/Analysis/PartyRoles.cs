using IArms.Core.Tracing;

namespace IArms.Core.Analysis;

/// <summary>The parts a party plays in one firearm's chain.</summary>
[Flags]
public enum PartyRole
{
    None = 0,

    /// <summary>The diversion's last lawful holder.</summary>
    LastLawfulHolder = 1,

    /// <summary>The <c>toParty</c> of a <c>sold</c> event.</summary>
    Buyer = 2,

    /// <summary>Who handed the weapon over in a <c>sold</c> event: its <c>fromParty</c>, else the holder before it.</summary>
    Seller = 4,

    /// <summary>Who handed the weapon over in an <c>exported</c> event: its <c>fromParty</c>, else the holder before it.</summary>
    Exporter = 8,

    /// <summary>The <c>toParty</c> of an <c>exported</c> or <c>imported</c> event (the consignee).</summary>
    Importer = 16,
}

/// <summary>One party of one firearm's chain, with its roles there.</summary>
/// <param name="Party">The party, shown as first written in the chain.</param>
/// <param name="Roles">Every role it plays in this chain; <see cref="PartyRole.None"/> when it only appears.</param>
public sealed record ChainParty(PartyRef Party, PartyRole Roles);

/// <summary>One edge of the firearm–party graph: a party appears in an event of a firearm's chain.</summary>
/// <param name="FirearmId">The firearm.</param>
/// <param name="PartyId">The resolved party.</param>
/// <param name="EventType">The event the party appears in (as sender or recipient).</param>
/// <param name="Date">The event's date.</param>
public sealed record FirearmPartyEdge(long FirearmId, string PartyId, CustodyEventType EventType, DateOnly Date);

/// <summary>Who appears in one firearm's chain and how: the unit the party analyses add up.</summary>
/// <param name="FirearmId">The firearm.</param>
/// <param name="Diverted">Whether the firearm was diverted, seized or recovered (what the party ranking counts).</param>
/// <param name="Parties">Each identified party once, by id (ordinal).</param>
/// <param name="Edges">One edge per event a party appears in, in chain order (a party in both ends of an event gives one).</param>
public sealed record FirearmParties(long FirearmId, bool Diverted, IReadOnlyList<ChainParty> Parties, IReadOnlyList<FirearmPartyEdge> Edges);

/// <summary>Role counts of a ranked party: in how many firearms' chains it played each role.</summary>
public sealed record RoleCounts(int LastLawfulHolder, int Buyer, int Seller, int Exporter, int Importer);

/// <summary>One party of the party ranking.</summary>
/// <param name="Party">The party (most frequent spelling).</param>
/// <param name="Firearms">How many counted firearms have it in their chain.</param>
/// <param name="Roles">Role counts over those firearms.</param>
/// <param name="FirearmIds">Those firearms, ascending.</param>
public sealed record PartyRanking(PartyRef Party, int Firearms, RoleCounts Roles, IReadOnlyList<long> FirearmIds);

/// <summary>Party roles per chain and the ranking of parties across chains.</summary>
public static class PartyRoles
{
    /// <summary>
    /// The parties of one firearm's chain with their roles and the graph edges. Unidentified
    /// parties (kind <c>unknown</c>, or no name and no licence) are left out, and so is the
    /// <c>toParty</c> of a <c>seized</c> or <c>recovered</c> event (the seizing authority); its
    /// <c>fromParty</c>, the person found with the weapon, stays.
    /// </summary>
    public static FirearmParties Of(long firearmId, TraceReport report, PartyResolution parties)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(parties);
        var found = new Dictionary<string, (Party Party, PartyRole Roles)>(StringComparer.Ordinal);
        var edges = new List<FirearmPartyEdge>(report.Chain.Count * 2);
        var diverted = report.Diversion is not null;
        Party? holder = null;

        foreach (var e in report.Chain)
        {
            diverted |= e.Type is CustodyEventType.Seized or CustodyEventType.Recovered;
            var senderRole = e.Type switch
            {
                CustodyEventType.Sold => PartyRole.Seller,
                CustodyEventType.Exported => PartyRole.Exporter,
                _ => PartyRole.None,
            };
            // A seller or exporter left out of the record is still known: the holder before the event.
            var from = PartyIdentity.IsIdentified(e.FromParty) ? Note(e.FromParty, senderRole)
                : senderRole != PartyRole.None ? Note(holder, senderRole)
                : null;

            // The police or customs that seize or recover a weapon take it out of the trade rather
            // than take part in it; as a party they would link every seizure in their country.
            var recipient = e.Type is CustodyEventType.Seized or CustodyEventType.Recovered ? null : e.ToParty;
            var to = Note(recipient, e.Type switch
            {
                CustodyEventType.Sold => PartyRole.Buyer,
                CustodyEventType.Exported or CustodyEventType.Imported => PartyRole.Importer,
                _ => PartyRole.None,
            });

            if (from is not null)
            {
                edges.Add(new FirearmPartyEdge(firearmId, from, e.Type, e.Date));
            }

            if (to is not null && to != from)
            {
                edges.Add(new FirearmPartyEdge(firearmId, to, e.Type, e.Date));
            }

            // Custody as ChainAnalyzer sees it: reports leave the holder unknown.
            holder = e.Type is CustodyEventType.ReportedLost or CustodyEventType.ReportedStolen ? null
                : e.Type is CustodyEventType.Destroyed or CustodyEventType.Deactivated && e.ToParty is null ? holder
                : PartyIdentity.IsIdentified(e.ToParty) ? e.ToParty
                : null;
        }

        Note(report.Diversion?.LastLawfulHolder, PartyRole.LastLawfulHolder);

        var list = new List<ChainParty>(found.Count);
        foreach (var (id, (party, roles)) in found)
        {
            list.Add(new ChainParty(new PartyRef(id, party.Name, party.Kind, PartyNames.NormalizeCountry(party.CountryCode)), roles));
        }

        list.Sort(static (x, y) => string.CompareOrdinal(x.Party.Id, y.Party.Id));
        return new FirearmParties(firearmId, diverted, list.AsReadOnly(), edges.AsReadOnly());

        string? Note(Party? party, PartyRole role)
        {
            var id = parties.IdOf(party);
            if (id is null)
            {
                return null;
            }

            found[id] = found.TryGetValue(id, out var seen) ? (seen.Party, seen.Roles | role) : (party!, role);
            return id;
        }
    }

    /// <summary>
    /// Parties in the chains of at least <paramref name="minFirearms"/> diverted, seized or recovered
    /// firearms: first those that were the last lawful holder of most of them, then most firearms, then by
    /// id. With <paramref name="role"/>, only firearms where the
    /// party played that role count. O(n log n) over the chain parties.
    /// </summary>
    public static IReadOnlyList<PartyRanking> Rank(IEnumerable<FirearmParties> firearms, int minFirearms = 2, PartyRole role = PartyRole.None)
    {
        ArgumentNullException.ThrowIfNull(firearms);
        var byParty = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var firearm in firearms)
        {
            if (!firearm.Diverted)
            {
                continue;
            }

            foreach (var cp in firearm.Parties)
            {
                if (role != PartyRole.None && (cp.Roles & role) == 0)
                {
                    continue;
                }

                if (!byParty.TryGetValue(cp.Party.Id, out var tally))
                {
                    tally = new Tally();
                    byParty[cp.Party.Id] = tally;
                }

                tally.Add(firearm.FirearmId, cp);
            }
        }

        var result = new List<PartyRanking>();
        foreach (var tally in byParty.Values)
        {
            tally.FirearmIds.Sort();
            var ids = DistinctSorted(tally.FirearmIds);
            if (ids.Count >= Math.Max(1, minFirearms))
            {
                result.Add(new PartyRanking(PartyDisplay.MostFrequent(tally.Refs), ids.Count,
                    new RoleCounts(tally.Counts[0], tally.Counts[1], tally.Counts[2], tally.Counts[3], tally.Counts[4]), ids));
            }
        }

        // Who lost custody ranks above who merely handled the weapon before: the dealer that sold a
        // straw buyer's pistols is in as many diverted chains as the buyer, but the buyer is the lead.
        result.Sort(static (x, y) =>
        {
            var c = y.Roles.LastLawfulHolder.CompareTo(x.Roles.LastLawfulHolder);
            if (c == 0)
            {
                c = y.Firearms.CompareTo(x.Firearms);
            }

            return c != 0 ? c : string.CompareOrdinal(x.Party.Id, y.Party.Id);
        });
        return result.AsReadOnly();
    }

    private static List<long> DistinctSorted(List<long> sorted)
    {
        var n = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1])
            {
                sorted[n++] = sorted[i];
            }
        }

        sorted.RemoveRange(n, sorted.Count - n);
        return sorted;
    }

    private sealed class Tally
    {
        public readonly List<long> FirearmIds = [];
        public readonly List<PartyRef> Refs = [];
        public readonly int[] Counts = new int[5];

        public void Add(long firearmId, ChainParty cp)
        {
            FirearmIds.Add(firearmId);
            Refs.Add(cp.Party);
            for (var bit = 0; bit < 5; bit++)
            {
                if (((int)cp.Roles & (1 << bit)) != 0)
                {
                    Counts[bit]++;
                }
            }
        }
    }
}
