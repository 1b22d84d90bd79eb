using IArms.Core.Serials;

namespace IArms.Core.Analysis;

/// <summary>A firearm record as the serial-run search needs it.</summary>
/// <param name="FirearmId">The firearm.</param>
/// <param name="CanonicalMake">The resolved make; records without one are skipped.</param>
/// <param name="Model">The model as recorded, when known.</param>
/// <param name="Serial">The serial as recorded (normalised here).</param>
/// <param name="CaseReference">The record's case reference, when given.</param>
/// <param name="Place">Where the record's event happened, when given.</param>
/// <param name="CountryCode">The record's event country, when given.</param>
/// <param name="EventDate">The record's event date, when given.</param>
/// <param name="PartyIds">Resolved ids of the parties in the firearm's chain (may be empty).</param>
public sealed record SerialRunCandidate(
    long FirearmId, string? CanonicalMake, string? Model, string? Serial, string? CaseReference, string? Place,
    string? CountryCode, DateOnly? EventDate, IReadOnlyList<string> PartyIds);

/// <summary>A probable diverted lot: firearms of one make whose serials run close together.</summary>
/// <param name="CanonicalMake">The make.</param>
/// <param name="Model">The model when every member that gives one agrees; null otherwise.</param>
/// <param name="FirstSerial">The lowest serial, as recorded.</param>
/// <param name="LastSerial">The highest serial, as recorded.</param>
/// <param name="FirearmIds">The members, by serial number then id.</param>
/// <param name="Countries">The members' event countries, distinct, ordinal.</param>
/// <param name="FirstEvent">The earliest member event date.</param>
/// <param name="LastEvent">The latest member event date.</param>
/// <param name="CommonParties">Parties in the chains of at least two members, ordinal.</param>
public sealed record SerialRun(
    string CanonicalMake, string? Model, string FirstSerial, string LastSerial, IReadOnlyList<long> FirearmIds,
    IReadOnlyList<string> Countries, DateOnly? FirstEvent, DateOnly? LastEvent, IReadOnlyList<string> CommonParties);

/// <summary>The parts of a serial that decide whether two serials belong to one production run.</summary>
/// <param name="Skeleton">The normalised serial with its numeric part replaced by '#': "BER123456A" → "BER#A".</param>
/// <param name="Number">The numeric part's value.</param>
public readonly record struct SerialShape(string Skeleton, long Number)
{
    // Beyond 18 digits the value no longer fits a long; such "serials" are not counters anyway.
    private const int MaxDigits = 18;

    /// <summary>
    /// Splits a serial into prefix, numeric part and suffix. The numeric part is the <em>last</em> run of
    /// digits of the normalised serial (makers count at the end, after a letter or year prefix:
    /// "1985-AB-1234" counts in 1234); prefix and suffix are what is around it. Null when the serial has
    /// no digits or more than 18 in that run.
    /// </summary>
    public static SerialShape? Of(string? serial)
    {
        var s = SerialNormalizer.Normalize(serial);
        var end = s.Length;
        while (end > 0 && !char.IsAsciiDigit(s[end - 1]))
        {
            end--;
        }

        var start = end;
        while (start > 0 && char.IsAsciiDigit(s[start - 1]))
        {
            start--;
        }

        if (end == start || end - start > MaxDigits)
        {
            return null;
        }

        var number = long.Parse(s.AsSpan(start, end - start), System.Globalization.CultureInfo.InvariantCulture);
        return new SerialShape(string.Concat(s.AsSpan(0, start), "#", s.AsSpan(end)), number);
    }
}

/// <summary>Finds serial runs: the lots a stolen shipment or a leaking depot leaves behind.</summary>
public static class SerialRuns
{
    /// <summary>The default largest step between consecutive serial numbers of one run.</summary>
    public const int DefaultMaxGap = 100;

    /// <summary>
    /// Groups the candidates into runs: same canonical make (ordinal: it is the reference table's name),
    /// equal serial skeleton (<see cref="SerialShape"/>), and sorted numeric parts each within
    /// <paramref name="maxGap"/> of the next (a chain, so a run can span more than maxGap end to end).
    /// A run keeps at least two firearms recorded under at least two different case references or
    /// places, because one case listing its own consecutive serials is not a finding.
    /// </summary>
    /// <remarks>
    /// Model: where models are known on two members they must agree; a chain that mixes known models is
    /// split per model, members with no model going with the only model in the chain, or on their own
    /// when the chain has several. Runs come most members first, then by make, skeleton, first number and first
    /// firearm (<see cref="Order"/>).
    /// O(n log n): one sort of all candidates, then linear passes.
    /// </remarks>
    public static IReadOnlyList<SerialRun> Find(IEnumerable<SerialRunCandidate> candidates, int maxGap = DefaultMaxGap)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentOutOfRangeException.ThrowIfNegative(maxGap);
        var entries = new List<Entry>();
        foreach (var c in candidates)
        {
            // Already the reference table's canonical name, so compared as it is: re-normalising
            // every record would cost more than the sort.
            var make = c.CanonicalMake?.Trim() ?? string.Empty;
            if (make.Length == 0 || SerialShape.Of(c.Serial) is not { } shape)
            {
                continue;
            }

            var model = SerialNormalizer.Normalize(c.Model);
            entries.Add(new Entry(make, shape.Skeleton, shape.Number, model.Length == 0 ? null : model, c));
        }

        entries.Sort(static (x, y) =>
        {
            var c = string.CompareOrdinal(x.Make, y.Make);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.Skeleton, y.Skeleton);
            }

            if (c == 0)
            {
                c = x.Number.CompareTo(y.Number);
            }

            return c != 0 ? c : x.Candidate.FirearmId.CompareTo(y.Candidate.FirearmId);
        });

        var runs = new List<(Entry First, SerialRun Run)>();
        var chain = new List<Entry>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (chain.Count > 0)
            {
                var last = chain[^1];
                if (last.Make != e.Make || last.Skeleton != e.Skeleton || e.Number - last.Number > maxGap)
                {
                    SplitByModel(chain, maxGap, runs);
                    chain.Clear();
                }
            }

            chain.Add(e);
        }

        SplitByModel(chain, maxGap, runs);

        runs.Sort(static (x, y) =>
        {
            var c = y.Run.FirearmIds.Count.CompareTo(x.Run.FirearmIds.Count);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.First.Make, y.First.Make);
            }

            if (c == 0)
            {
                c = string.CompareOrdinal(x.First.Skeleton, y.First.Skeleton);
            }

            if (c == 0)
            {
                c = x.First.Number.CompareTo(y.First.Number);
            }

            // Two runs of one chain split by model can start at the same number: the first firearm decides.
            return c != 0 ? c : x.First.Candidate.FirearmId.CompareTo(y.First.Candidate.FirearmId);
        });
        return runs.ConvertAll(r => r.Run).AsReadOnly();
    }

    /// <summary>Beyond this many members a kept run's bound is its size (<see cref="KeptRunBound"/>), so that no write reads more.</summary>
    public const int BoundMembersCap = 2000;

    /// <summary>
    /// An upper bound of the size of every run <see cref="Find"/> (at any maxGap up to <see cref="DefaultMaxGap"/>) can
    /// give from any subset of a kept run: the members of one make and skeleton chained at <see cref="DefaultMaxGap"/>,
    /// given in (number, firearm) order with their models as recorded. When every model has a <see cref="BoundModelKey"/>,
    /// the bound is the longest chain of one key at <see cref="DefaultMaxGap"/>: Find's runs hold one model each, and a
    /// run of visible members of one model lies in one chain of all the members of that model. Otherwise (a member
    /// without a model can join a run of another model), and beyond <see cref="BoundMembersCap"/> members, the bound is
    /// the member count.
    /// </summary>
    public static int KeptRunBound(IReadOnlyList<(long Number, string Model)> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count > BoundMembersCap)
        {
            return members.Count;
        }

        var best = 0;
        var chains = new Dictionary<string, (long Number, int Size)>(StringComparer.Ordinal);
        foreach (var (number, model) in members)
        {
            if (BoundModelKey(model) is not { } key)
            {
                return members.Count;
            }

            var size = chains.TryGetValue(key, out var last) && number - last.Number <= DefaultMaxGap ? last.Size + 1 : 1;
            chains[key] = (number, size);
            best = Math.Max(best, size);
        }

        return best;
    }

    /// <summary>
    /// The model as the bound groups it, or null when none can be given: for a model of ASCII letters, digits and the
    /// separators ' ', '-', '.', '/', '_' and '&amp;' alone it is the normalised model (<see cref="SerialNormalizer.Normalize"/>
    /// upper-cases ASCII and drops the rest), computed so simply that SQL computes the same (the rebuild and migration
    /// 0028: nested REPLACE, then UPPER); any other model, or none, is null.
    /// </summary>
    public static string? BoundModelKey(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        var key = new System.Text.StringBuilder(model.Length);
        foreach (var c in model)
        {
            if (c is ' ' or '-' or '.' or '/' or '_' or '&')
            {
                continue;
            }

            if (c is not (>= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9'))
            {
                return null;
            }

            key.Append(char.ToUpperInvariant(c));
        }

        return key.Length == 0 ? null : key.ToString();
    }

    /// <summary>
    /// The order <see cref="Find"/> returns runs in, for runs found apart (a caller that finds them a group at a time
    /// and merges the pages).
    /// </summary>
    public static IComparer<SerialRun> Order { get; } = Comparer<SerialRun>.Create(static (x, y) =>
    {
        var c = y.FirearmIds.Count.CompareTo(x.FirearmIds.Count);
        if (c != 0)
        {
            return c;
        }

        var shape = SerialShape.Of(y.FirstSerial) ?? default;
        return -ComparePlace(y.CanonicalMake.Trim(), shape.Skeleton ?? "", shape.Number, y.FirearmIds[0], x);
    });

    /// <summary>
    /// Where a run starting at the given make, skeleton, number and firearm sorts against <paramref name="run"/> among
    /// runs of equal size (<see cref="Find"/>'s order after the size): negative when before it.
    /// </summary>
    public static int ComparePlace(string make, string skeleton, long number, long firearmId, SerialRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var shape = SerialShape.Of(run.FirstSerial) ?? default;
        var c = string.CompareOrdinal(make, run.CanonicalMake.Trim());
        if (c == 0)
        {
            c = string.CompareOrdinal(skeleton, shape.Skeleton);
        }

        if (c == 0)
        {
            c = number.CompareTo(shape.Number);
        }

        return c != 0 ? c : firearmId.CompareTo(run.FirearmIds[0]);
    }

    private static void SplitByModel(List<Entry> chain, int maxGap, List<(Entry, SerialRun)> runs)
    {
        if (chain.Count < 2)
        {
            return;
        }

        string? only = null;
        var mixed = false;
        foreach (var e in chain)
        {
            if (e.Model is not null)
            {
                mixed |= only is not null && only != e.Model;
                only ??= e.Model;
            }
        }

        if (!mixed)
        {
            Emit(chain, runs);
            return;
        }

        // Several models in one chain: each model (and the model-less members) re-chained on its own.
        foreach (var group in chain.GroupBy(e => e.Model ?? string.Empty, StringComparer.Ordinal))
        {
            var sub = new List<Entry>();
            foreach (var e in group)
            {
                if (sub.Count > 0 && e.Number - sub[^1].Number > maxGap)
                {
                    Emit(sub, runs);
                    sub = [];
                }

                sub.Add(e);
            }

            Emit(sub, runs);
        }
    }

    private static void Emit(List<Entry> members, List<(Entry, SerialRun)> runs)
    {
        if (members.Count < 2 || !FromSeveralRecords(members))
        {
            return;
        }

        var ids = new List<long>(members.Count);
        var countries = new SortedSet<string>(StringComparer.Ordinal);
        DateOnly? first = null, last = null;
        string? model = null;
        var sameModel = true;
        foreach (var m in members)
        {
            var c = m.Candidate;
            ids.Add(c.FirearmId);
            if (PartyNames.NormalizeCountry(c.CountryCode) is { } country)
            {
                countries.Add(country);
            }

            if (c.EventDate is { } date)
            {
                first = first is null || date < first ? date : first;
                last = last is null || date > last ? date : last;
            }

            if (m.Model is not null)
            {
                sameModel &= model is null || model == m.Model;
                model ??= m.Model;
            }
        }

        var common = CommonParties(members.Select(m => m.Candidate.PartyIds));
        // The model as the first member that gives one wrote it.
        var shownModel = sameModel ? members.FirstOrDefault(m => m.Model is not null)?.Candidate.Model : null;
        runs.Add((members[0], new SerialRun(
            members[0].Candidate.CanonicalMake!, shownModel, members[0].Candidate.Serial!, members[^1].Candidate.Serial!,
            ids.AsReadOnly(), countries.ToList().AsReadOnly(), first, last, common)));
    }

    /// <summary>
    /// A run's common parties: those in the chains of at least two of its members, ordinal order. Public so that a
    /// caller can find runs without the party lists and add them to the few runs it shows.
    /// </summary>
    /// <param name="memberParties">Each member's party ids.</param>
    public static IReadOnlyList<string> CommonParties(IEnumerable<IEnumerable<string>> memberParties)
    {
        ArgumentNullException.ThrowIfNull(memberParties);
        var partyCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var parties in memberParties)
        {
            foreach (var party in parties.Distinct(StringComparer.Ordinal))
            {
                partyCounts[party] = partyCounts.GetValueOrDefault(party) + 1;
            }
        }

        return partyCounts.Where(p => p.Value >= 2).Select(p => p.Key).Order(StringComparer.Ordinal).ToList().AsReadOnly();
    }

    /// <summary>At least two different case references, or at least two different places.</summary>
    private static bool FromSeveralRecords(List<Entry> members)
    {
        string? firstCase = null, firstPlace = null;
        foreach (var m in members)
        {
            var caseRef = SerialNormalizer.Normalize(m.Candidate.CaseReference);
            var place = Reference.ReferenceText.Fold(m.Candidate.Place?.Trim() ?? string.Empty);
            if (caseRef.Length > 0)
            {
                if (firstCase is not null && firstCase != caseRef)
                {
                    return true;
                }

                firstCase ??= caseRef;
            }

            if (place.Length > 0)
            {
                if (firstPlace is not null && firstPlace != place)
                {
                    return true;
                }

                firstPlace ??= place;
            }
        }

        return false;
    }

    private sealed record Entry(string Make, string Skeleton, long Number, string? Model, SerialRunCandidate Candidate);
}
