using IArms.Core.Tracing;

namespace IArms.Core.Analysis;

/// <summary>A resolved party as the analyses show it.</summary>
/// <param name="Id">The resolved party id (<see cref="PartyResolver"/>).</param>
/// <param name="Name">A name as an agency wrote it (aggregates pick the most frequent spelling).</param>
/// <param name="Kind">The kind as recorded.</param>
/// <param name="CountryCode">The party's country, when known.</param>
public sealed record PartyRef(string Id, string Name, PartyKind Kind, string? CountryCode);

/// <summary>Where one firearm left lawful hands, as one row of the diversion-sources analysis.</summary>
/// <param name="FirearmId">The firearm.</param>
/// <param name="CountryCode">The country of the point of diversion; null when the chain does not say.</param>
/// <param name="Party">The last lawful holder; null when unknown or unidentified.</param>
/// <param name="Reason">The rule that placed the diversion.</param>
/// <param name="TimeToCrimeDays">The chain's time to crime, when known.</param>
/// <param name="Date">The latest date the diversion can have happened (<see cref="Diversion.DateTo"/>, else <see cref="Diversion.DateFrom"/>), for since/until filters.</param>
public sealed record DiversionFact(long FirearmId, string? CountryCode, PartyRef? Party, DiversionReason Reason, int? TimeToCrimeDays, DateOnly? Date = null);

/// <summary>What <see cref="DiversionSources.Aggregate"/> groups by.</summary>
public enum DiversionGrouping
{
    Country,
    Party,
    Reason,
    PartyKind,
}

/// <summary>One group of diversion facts. Only the field grouped by is set; the others are null.</summary>
/// <param name="CountryCode">Set when grouping by country (null inside it: country unknown).</param>
/// <param name="Party">Set when grouping by party (null inside it: holder unknown).</param>
/// <param name="Reason">Set when grouping by reason.</param>
/// <param name="PartyKind">Set when grouping by party kind (null: holder unknown).</param>
/// <param name="Firearms">How many firearms the group holds.</param>
/// <param name="MedianTimeToCrimeDays">Median of the known times to crime; null when none is known.</param>
public sealed record DiversionSourceGroup(
    string? CountryCode, PartyRef? Party, DiversionReason? Reason, PartyKind? PartyKind, int Firearms, double? MedianTimeToCrimeDays);

/// <summary>The diversion-sources analysis: one fact per firearm, then groups of them.</summary>
public static class DiversionSources
{
    /// <summary>The diversion fact of one firearm; null when its chain shows no diversion.</summary>
    /// <param name="firearmId">The firearm.</param>
    /// <param name="report">Its analysed chain.</param>
    /// <param name="parties">How party occurrences map to ids (<see cref="PartyResolution.Local"/> for incremental use).</param>
    public static DiversionFact? Of(long firearmId, TraceReport report, PartyResolution parties)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(parties);
        if (report.Diversion is not { } diversion)
        {
            return null;
        }

        var holder = diversion.LastLawfulHolder;
        var id = parties.IdOf(holder);
        var party = id is null ? null : new PartyRef(id, holder!.Name, holder.Kind, PartyNames.NormalizeCountry(holder.CountryCode));
        return new DiversionFact(firearmId, PartyNames.NormalizeCountry(diversion.CountryCode), party, diversion.Reason, report.TimeToCrimeDays,
            diversion.DateTo ?? diversion.DateFrom);
    }

    /// <summary>
    /// Groups facts by <paramref name="by"/>, most firearms first (ties by group key, ordinal), with
    /// the median time to crime (the mean of the two middle values for an even count). A party group
    /// shows the party's most frequent spelling, kind and country (ties to the ordinal smallest).
    /// O(n log n).
    /// </summary>
    public static IReadOnlyList<DiversionSourceGroup> Aggregate(IEnumerable<DiversionFact> facts, DiversionGrouping by)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var groups = new Dictionary<string, List<DiversionFact>>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            var key = by switch
            {
                DiversionGrouping.Country => fact.CountryCode ?? string.Empty,
                DiversionGrouping.Party => fact.Party?.Id ?? string.Empty,
                DiversionGrouping.Reason => CustodyVocabulary.ToWire(fact.Reason),
                DiversionGrouping.PartyKind => fact.Party is null ? string.Empty : CustodyVocabulary.ToWire(fact.Party.Kind),
                _ => throw new ArgumentOutOfRangeException(nameof(by), by, "Unknown grouping."),
            };
            if (!groups.TryGetValue(key, out var members))
            {
                members = [];
                groups[key] = members;
            }

            members.Add(fact);
        }

        var result = new List<(string Key, DiversionSourceGroup Group)>(groups.Count);
        foreach (var (key, members) in groups)
        {
            var first = members[0];
            var group = by switch
            {
                DiversionGrouping.Country => new DiversionSourceGroup(first.CountryCode, null, null, null, members.Count, Median(members)),
                DiversionGrouping.Party => new DiversionSourceGroup(null, Representative(members), null, null, members.Count, Median(members)),
                DiversionGrouping.Reason => new DiversionSourceGroup(null, null, first.Reason, null, members.Count, Median(members)),
                _ => new DiversionSourceGroup(null, null, null, first.Party?.Kind, members.Count, Median(members)),
            };
            result.Add((key, group));
        }

        result.Sort(static (x, y) =>
        {
            var c = y.Group.Firearms.CompareTo(x.Group.Firearms);
            return c != 0 ? c : string.CompareOrdinal(x.Key, y.Key);
        });
        return result.ConvertAll(r => r.Group).AsReadOnly();
    }

    /// <summary>The median of the known times to crime; null when none is known.</summary>
    internal static double? Median(List<DiversionFact> facts)
    {
        var days = new List<int>(facts.Count);
        foreach (var fact in facts)
        {
            if (fact.TimeToCrimeDays is { } d)
            {
                days.Add(d);
            }
        }

        return Median(days);
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place); null when empty.</summary>
    internal static double? Median(List<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + (double)values[mid]) / 2;
    }

    private static PartyRef? Representative(List<DiversionFact> members) =>
        members[0].Party is null ? null : PartyDisplay.MostFrequent(members.Select(m => m.Party!));
}

/// <summary>How a party found under several spellings is shown.</summary>
internal static class PartyDisplay
{
    /// <summary>The most frequent (name, kind, country) among <paramref name="refs"/> of one party; ties to the ordinal smallest.</summary>
    public static PartyRef MostFrequent(IEnumerable<PartyRef> refs)
    {
        var counts = new Dictionary<PartyRef, int>();
        foreach (var r in refs)
        {
            counts[r] = counts.GetValueOrDefault(r) + 1;
        }

        PartyRef? best = null;
        var bestCount = 0;
        foreach (var (r, count) in counts)
        {
            if (best is null || count > bestCount || (count == bestCount && Compare(r, best) < 0))
            {
                best = r;
                bestCount = count;
            }
        }

        return best!;
    }

    private static int Compare(PartyRef x, PartyRef y)
    {
        var c = string.CompareOrdinal(x.Name, y.Name);
        if (c != 0)
        {
            return c;
        }

        c = ((int)x.Kind).CompareTo((int)y.Kind);
        return c != 0 ? c : string.CompareOrdinal(x.CountryCode, y.CountryCode);
    }
}
