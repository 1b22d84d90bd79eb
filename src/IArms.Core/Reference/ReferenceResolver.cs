using System.Collections.Frozen;
using System.Numerics;
using IArms.Core.Serials;

namespace IArms.Core.Reference;

/// <summary>
/// Maps the make or calibre typed into a record to one reference entry, and offers completions.
/// Built once from the reference table; immutable, so one instance can serve every request.
/// </summary>
/// <remarks>
/// Resolution tries, in order: the canonical name, a curated alias (both compared by
/// <see cref="ReferenceText"/> key), then a fuzzy match. A wrong canonical make sends a trace
/// request to the wrong manufacturer, so the fuzzy step prefers "unknown" to a guess: the text
/// must be at least four characters, within one edit of a name of five to seven characters
/// (two from eight; none below five, beyond doubled letters), keep that name's first letter
/// unless the name is long, keep every digit, reach <see cref="FuzzyThreshold"/> Jaro-Winkler
/// similarity, and beat every other entry by <see cref="FuzzyMargin"/>. Calibres are corrected
/// only in their words ("Parabelum"), never in their numbers.
/// </remarks>
public sealed class ReferenceResolver
{
    /// <summary>Lowest Jaro-Winkler similarity a fuzzy match may have.</summary>
    public const double FuzzyThreshold = 0.85;

    /// <summary>How far ahead of the best other entry a fuzzy match must be to count as unambiguous.</summary>
    public const double FuzzyMargin = 0.05;

    // Keys shorter than this ("fn", "hk", "izh", "cz") are abbreviations: one changed letter
    // makes a different abbreviation, not a typo, so they only ever match exactly.
    private const int MinFuzzyLength = 4;

    // From this length a name may differ by two edits, and in its first letter.
    private const int LongName = 8;

    private readonly FrozenDictionary<string, (int Entry, ResolutionMethod Method)> _byKey;
    private readonly NameKey[] _names;
    private readonly ReferenceEntry[] _entries;

    /// <summary>Indexes <paramref name="entries"/> for <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException">
    /// Two entries share an id, or a canonical name or alias of one entry normalises to the same
    /// key as a name of another entry (the table itself would be ambiguous).
    /// </exception>
    public ReferenceResolver(IEnumerable<ReferenceEntry> entries, ReferenceKind kind)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Kind = kind;
        // Folded so that "Česká zbrojovka" sorts among the C's, not after Z.
        _entries = [.. entries.OrderBy(e => ReferenceText.Fold(e.CanonicalName), StringComparer.Ordinal).ThenBy(e => e.Id)];

        var ids = new HashSet<long>();
        var byKey = new Dictionary<string, (int Entry, ResolutionMethod Method)>(StringComparer.Ordinal);
        var names = new List<NameKey>();
        var conflicts = new List<string>();
        for (var i = 0; i < _entries.Length; i++)
        {
            var entry = _entries[i];
            if (!ids.Add(entry.Id))
            {
                conflicts.Add($"id {entry.Id} is used twice");
            }

            Add(entry.CanonicalName, ResolutionMethod.Exact);
            foreach (var alias in entry.Aliases)
            {
                Add(alias, ResolutionMethod.Alias);
            }

            void Add(string name, ResolutionMethod method)
            {
                var key = ReferenceText.Normalize(kind, name);
                if (key.Length == 0)
                {
                    return;
                }

                if (byKey.TryGetValue(key, out var existing))
                {
                    // The same entry listing two spellings of one key is harmless redundancy;
                    // the canonical name was added first, so an equal alias keeps Method Exact.
                    if (existing.Entry != i)
                    {
                        conflicts.Add($"'{name}' of '{entry.CanonicalName}' reads as '{key}', already a name of '{_entries[existing.Entry].CanonicalName}'");
                    }

                    return;
                }

                byKey[key] = (i, method);
                names.Add(new NameKey(key, StringSimilarity.CollapseRepeats(key), StringSimilarity.Digits(key), StringSimilarity.CharacterMask(key), i, method == ResolutionMethod.Alias));
            }
        }

        if (conflicts.Count > 0)
        {
            throw new ArgumentException($"The {kind} reference table is ambiguous: {string.Join("; ", conflicts)}.", nameof(entries));
        }

        _byKey = byKey.ToFrozenDictionary(StringComparer.Ordinal);
        _names = [.. names];
    }

    /// <summary>Which table this resolver serves.</summary>
    public ReferenceKind Kind { get; }

    /// <summary>Every entry, ordered by canonical name (case and accents ignored).</summary>
    public IReadOnlyList<ReferenceEntry> Entries => _entries;

    /// <summary>Finds the entry <paramref name="text"/> names, or reports that there is none.</summary>
    public Resolution Resolve(string? text)
    {
        var key = ReferenceText.Normalize(Kind, text);
        if (key.Length == 0)
        {
            return Resolution.Unknown;
        }

        if (_byKey.TryGetValue(key, out var hit))
        {
            return new Resolution(_entries[hit.Entry], hit.Method, 1.0);
        }

        return ResolveFuzzy(key);
    }

    /// <summary>
    /// Entries whose names start with, contain, or nearly spell <paramref name="q"/>, best first
    /// (ties by canonical name). An empty query lists the entries by canonical name, with score 0.
    /// </summary>
    /// <param name="q">What the user has typed so far.</param>
    /// <param name="limit">Most entries to return; must be positive.</param>
    /// <returns>Pairs of entry and score in (0, 1]; 1 is an exact name.</returns>
    public IReadOnlyList<(ReferenceEntry Entry, double Score)> Suggest(string? q, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var key = ReferenceText.Normalize(Kind, q);
        if (key.Length == 0)
        {
            return [.. _entries.Take(limit).Select(e => (e, 0.0))];
        }

        var best = new double[_entries.Length];
        foreach (var name in _names)
        {
            // A canonical name outranks an alias that matches as well: "9" lists 9x19mm before
            // .380 ACP (alias "9x17mm").
            var score = SuggestScore(key, name.Key) - (name.IsAlias ? 0.01 : 0);
            if (score > best[name.Entry])
            {
                best[name.Entry] = score;
            }
        }

        // _entries is already in name order, and the sort is stable, so ties stay alphabetical.
        return [.. Enumerable.Range(0, _entries.Length)
            .Where(i => best[i] > 0)
            .OrderByDescending(i => best[i])
            .Take(limit)
            .Select(i => (_entries[i], Math.Round(best[i], 4)))];
    }

    private Resolution ResolveFuzzy(string key)
    {
        if (key.Length < MinFuzzyLength || (Kind == ReferenceKind.Calibre && !HasWords(key)))
        {
            return Resolution.Unknown;
        }

        var collapsed = StringSimilarity.CollapseRepeats(key);
        var digits = StringSimilarity.Digits(key);
        var mask = StringSimilarity.CharacterMask(key);
        var bestEntry = -1;
        var bestScore = 0.0;
        var runnerUpScore = 0.0;
        foreach (var name in _names)
        {
            var maxEdits = EditBudget(name.Collapsed.Length);

            // One edit adds or removes at most two distinct characters, so names that differ in
            // more characters than that are skipped before any distance is computed.
            if (name.Key.Length < MinFuzzyLength
                || BitOperations.PopCount(mask ^ name.Mask) > 2 * maxEdits
                || !string.Equals(name.Digits, digits, StringComparison.Ordinal)
                || (name.Collapsed.Length < LongName && name.Key[0] != key[0]))
            {
                continue;
            }

            // Comparing with doubled letters collapsed forgives "Berreta"; comparing as typed
            // forgives "Brownng", where collapsing would hide the dropped letter between two n's.
            var close = DamerauLevenshtein.Distance(key, name.Key, maxEdits) <= maxEdits
                        || DamerauLevenshtein.Distance(collapsed, name.Collapsed, maxEdits) <= maxEdits;
            if (!close)
            {
                continue;
            }

            var score = StringSimilarity.JaroWinkler(key, name.Key);
            if (name.Entry == bestEntry)
            {
                bestScore = Math.Max(bestScore, score);
            }
            else if (score > bestScore)
            {
                runnerUpScore = bestEntry >= 0 ? bestScore : runnerUpScore;
                bestEntry = name.Entry;
                bestScore = score;
            }
            else
            {
                runnerUpScore = Math.Max(runnerUpScore, score);
            }
        }

        if (bestEntry < 0 || bestScore < FuzzyThreshold || bestScore - runnerUpScore < FuzzyMargin)
        {
            return Resolution.Unknown;
        }

        return new Resolution(_entries[bestEntry], ResolutionMethod.Fuzzy, Math.Round(bestScore, 4));
    }

    // Edits forgiven against a name of this length (doubled letters collapsed). A four-letter
    // name one letter away is usually another name ("Ford" is not "Fort", "Stag" is not "Star"),
    // so short names forgive only doubled letters; longer names forgive more.
    private static int EditBudget(int nameLength) => nameLength switch
    {
        < 5 => 0,
        < LongName => 1,
        _ => 2,
    };

    // A calibre is mostly numbers, and a changed number or case-type letter ("9x20" against
    // "9x20R") is a different cartridge, not a typo; only the words of a designation
    // ("Parabelum", "APC") are worth correcting.
    private static bool HasWords(string key) => key.Count(c => char.IsLetter(c) && c is not ('x' or 'm')) >= 3;

    private static double SuggestScore(string query, string name)
    {
        if (name.Length == 0)
        {
            return 0;
        }

        // Bands keep every prefix hit above every substring hit, and every substring hit above
        // every near-spelling; within a band, the name the query covers most wins.
        var coverage = (double)query.Length / Math.Max(query.Length, name.Length);
        if (string.Equals(query, name, StringComparison.Ordinal))
        {
            return 1.0;
        }

        if (name.StartsWith(query, StringComparison.Ordinal))
        {
            // ".45" is the start of ".45 ACP", but only the digits of ".455 Webley".
            return SplitsNumber(query, name, 0) ? 0.6 + (0.19 * coverage) : 0.8 + (0.19 * coverage);
        }

        var at = query.Length >= 2 ? name.IndexOf(query, StringComparison.Ordinal) : -1;
        if (at > 0)
        {
            return SplitsNumber(query, name, at) ? 0.4 + (0.19 * coverage) : 0.6 + (0.19 * coverage);
        }

        if (query.Length < 3)
        {
            return 0;
        }

        // A half-typed name is compared with the same length of each candidate, so "berre"
        // still finds "beretta".
        var head = name.Length > query.Length ? name[..query.Length] : name;
        var similarity = Math.Max(StringSimilarity.JaroWinkler(query, name), StringSimilarity.JaroWinkler(query, head));
        return similarity >= 0.85 ? 0.39 * similarity : 0;
    }

    // True when query, found at this position of name, begins or ends inside a longer number.
    private static bool SplitsNumber(string query, string name, int at)
    {
        var end = at + query.Length;
        var cutsStart = at > 0 && char.IsAsciiDigit(query[0]) && (char.IsAsciiDigit(name[at - 1]) || name[at - 1] == '.');
        var cutsEnd = end < name.Length && char.IsAsciiDigit(query[^1])
                      && (char.IsAsciiDigit(name[end]) || (name[end] == '.' && end + 1 < name.Length && char.IsAsciiDigit(name[end + 1])));
        return cutsStart || cutsEnd;
    }

    private readonly record struct NameKey(string Key, string Collapsed, string Digits, ulong Mask, int Entry, bool IsAlias);
}
