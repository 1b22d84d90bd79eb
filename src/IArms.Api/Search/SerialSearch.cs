using IArms.Api.Data;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>A serial row that may match the query; verified in memory by <see cref="SerialMatcher"/>.</summary>
public sealed class SerialCandidate
{
    public long SerialId { get; set; }
    public long FirearmId { get; set; }
    public string Location { get; set; } = "";
    public string Serial { get; set; } = "";
}

/// <summary>
/// What the index lookups found: verified matches, best per record, whether anything was cut, and how many
/// lookups (one per tier, two for the partial ranges) ran to find them.
/// </summary>
public sealed record SerialMatches(IReadOnlyDictionary<long, (SerialCandidate Serial, SerialMatch Match)> ByFirearm, bool Truncated, int Lookups);

/// <summary>
/// Finds the records whose serials (main or other) match a query, without scanning the table, in tiers:
/// <list type="number">
/// <item>a serial equal to the query once look-alikes are folded (exact, normalised, confusable) comes
/// from one index seek; when one of them agrees with the officer's description, the weapon was reported and
/// the search stops there (<see cref="SerialMatcher.EndsSearch"/>);</item>
/// <item>otherwise serials one edit away, from the deletion keys (see <see cref="SerialKeys.ForFuzzy(string, int)"/>);
/// then serials that begin or end with the query (partial), from index ranges, or contain it, from its
/// rarest trigrams; then, for 8 characters or more, serials two edits away;</item>
/// <item>a fixed-length pattern with up to three <c>?</c> comes from deletion keys
/// (<see cref="SerialKeys.ForUnreadable"/>); other patterns from their rarest trigrams, or from the range
/// of their known prefix when they have no three adjacent known characters.</item>
/// </list>
/// Every candidate is verified by the Core matcher, so the index only has to be complete, never exact. Every
/// lookup reads only records the caller may see (<see cref="SearchQueries.CandidateScope"/>), so hidden records
/// neither stop a tier nor fill a cap; and the trigram tier, whose choice of keys follows counts over the whole
/// register, keeps only the serials that hold the query, which no choice of keys can miss. A later tier runs only
/// while the matches so far do not answer the search: without a description, while nothing was found; with one,
/// while nothing found agrees with it.
/// </summary>
public sealed class SerialSearch(TrigramStatistics statistics)
{
    /// <summary>Candidates examined per strategy; a query that reaches it is reported as truncated.</summary>
    public const int CandidateCap = 5000;

    /// <summary>How far a key's postings are counted when the in-memory statistics are not loaded yet.</summary>
    private const int ProbeLimit = 20_000;

    /// <summary>
    /// Candidates read from an index range. A beginning or ending shared by more serials than this is too
    /// vague to rank usefully: the answer is a page of them, marked truncated, so that the officer narrows it.
    /// </summary>
    public const int RangeCandidateCap = 250;

    /// <summary>A known beginning or ending this long narrows a pattern better than its trigrams do.</summary>
    private const int AnchorLength = 4;

    /// <param name="session">The session every lookup runs on.</param>
    /// <param name="query">The parsed serial.</param>
    /// <param name="scope">Whose records the lookups may read: the caller's visibility.</param>
    /// <param name="answers">
    /// Whether the matches found so far answer the search (see <see cref="SerialMatcher.EndsSearch"/>), asked only
    /// when something was found; null when the officer gave no description, so that any match does.
    /// </param>
    public async Task<SerialMatches> FindAsync(
        SqlSession session, SearchQuery query, SearchQueries.CandidateScope scope,
        Func<IReadOnlyDictionary<long, (SerialCandidate Serial, SerialMatch Match)>, Task<bool>>? answers = null)
    {
        var found = new Dictionary<long, (SerialCandidate Serial, SerialMatch Match)>();
        var truncated = false;
        var lookups = 0;

        async Task<bool> Answered() => found.Count > 0 && (answers is null || await answers(found));

        void Verify(IReadOnlyCollection<SerialCandidate> candidates, int cap = CandidateCap, Func<SerialCandidate, SerialMatch, bool>? keep = null)
        {
            lookups++;
            truncated |= candidates.Count >= cap;
            foreach (var candidate in candidates)
            {
                if (SerialMatcher.Match(query, candidate.Serial) is not { } match || (keep is not null && !keep(candidate, match)))
                {
                    continue;
                }
                if (!found.TryGetValue(candidate.FirearmId, out var best) || SerialMatcher.Compare(match, best.Match) < 0)
                {
                    found[candidate.FirearmId] = (candidate, match);
                }
            }
        }

        if (query.HasWildcards)
        {
            if (SerialKeys.ForUnreadable(query.Pattern) is { } unreadable)
            {
                Verify(await Tier("unreadable", () => ByAnyKeyAsync(session, scope, unreadable)));
            }
            else
            {
                var prefix = KnownPrefix(query.Pattern.Canonical);
                var suffix = KnownSuffix(query.Pattern.Canonical);
                var keys = SerialKeys.ForPattern(query.Pattern);
                if (Math.Max(prefix.Length, suffix.Length) < AnchorLength && keys.Count > 0)
                {
                    Verify(await Tier("pattern", () => ByRarestKeysAsync(session, scope, keys)));
                }
                else
                {
                    Verify(await Tier("pattern-range", () => prefix.Length >= suffix.Length
                        ? ByRangeAsync(session, scope, reversed: false, prefix)
                        : ByRangeAsync(session, scope, reversed: true, SerialNormalizer.Reversed(suffix))), RangeCandidateCap);
                }
            }
            return new SerialMatches(found, truncated, lookups);
        }

        Verify(await Tier("exact", () => SearchQueries.ByCanonicalAsync(session, scope, query.Canonical, CandidateCap)));
        if (await Answered() || query.Canonical.Length < SerialKeys.MinimumFuzzyLength)
        {
            return new SerialMatches(found, truncated, lookups);
        }

        // Nearest first, each tier only when the ones before did not answer the search: a serial one misread
        // character away is the likeliest weapon, and a longer serial that merely contains what was typed is not.
        var q = query.Canonical;
        var distance = Math.Min(DamerauLevenshtein.FuzzyThreshold(q.Length), SerialKeys.MaximumFuzzyDistance);
        if (distance >= 1)
        {
            Verify(await Tier("fuzzy-1", () => ByAnyKeyAsync(session, scope, SerialKeys.ForFuzzy(q, 1))));
        }
        if (!await Answered())
        {
            // Partial: what was typed begins or ends a longer serial (the rest ground off), from the two ranges;
            // only then anywhere inside one, from the trigrams.
            Verify(await Tier("prefix", () => ByRangeAsync(session, scope, reversed: false, q)), RangeCandidateCap);
            Verify(await Tier("suffix", () => ByRangeAsync(session, scope, reversed: true, SerialNormalizer.Reversed(q))), RangeCandidateCap);
            if (!await Answered())
            {
                // Only the serials holding what was typed: which other serials also hold its rarest trigrams depends on
                // how often each trigram occurs in the whole register, hidden records included, so a near match among
                // them must wait for its own tier rather than end the search here for one caller and not another.
                Verify(await Tier("contains", () => ByRarestKeysAsync(session, scope, SerialKeys.ForPartial(q))),
                    keep: (candidate, match) => match.Kind == SerialMatchKind.Partial && Contains(candidate.Serial, q));
            }
        }
        if (distance >= 2 && !await Answered())
        {
            Verify(await Tier("fuzzy-2", () => ByAnyKeyAsync(session, scope, SerialKeys.ForFuzzy(q, 2))));
        }
        return new SerialMatches(found, truncated, lookups);
    }

    /// <summary>One tier's lookup, in a span named by the tier (<c>search.tier exact</c>) holding the candidates it read.</summary>
    private static async Task<T> Tier<T>(string tier, Func<Task<T>> lookup) where T : IReadOnlyCollection<SerialCandidate>
    {
        using var span = Operations.Telemetry.Source.StartActivity($"search.tier {tier}");
        span?.SetTag("iarms.search.tier", tier);
        var candidates = await lookup();
        span?.SetTag("iarms.search.candidates", candidates.Count);
        return candidates;
    }

    private static async Task<IReadOnlyCollection<SerialCandidate>> ByAnyKeyAsync(
        SqlSession session, SearchQueries.CandidateScope scope, IReadOnlyList<long> keys) =>
        await SearchQueries.ByAnyKeyAsync(session, scope, keys, CandidateCap);

    /// <summary>Candidates holding every one of the (up to) three rarest keys.</summary>
    private async Task<IReadOnlyCollection<SerialCandidate>> ByRarestKeysAsync(
        SqlSession session, SearchQueries.CandidateScope scope, IReadOnlyList<long> keys)
    {
        if (keys.Count == 0)
        {
            return [];
        }
        var counted = new List<(long Key, long Count)>(keys.Count);
        foreach (var key in keys.Distinct())
        {
            var count = statistics.IsLoaded
                ? statistics.Count(key)
                : await SearchQueries.CountKeyAsync(session, key, ProbeLimit);
            if (count == 0)
            {
                return []; // a key nobody holds: nothing can match
            }
            counted.Add((key, count));
        }
        var rarest = counted.OrderBy(c => c.Count).ThenBy(c => c.Key).Select(c => c.Key).ToList();
        return await SearchQueries.ByAllKeysAsync(
            session, scope, rarest[0], rarest[Math.Min(1, rarest.Count - 1)], rarest[Math.Min(2, rarest.Count - 1)], CandidateCap);
    }

    /// <summary>
    /// The serials whose canonical form (or, with <paramref name="reversed"/>, its reverse) starts with
    /// <paramref name="start"/>, from the index, up to the cap. Used for a long known beginning or ending,
    /// and for a pattern with no three adjacent known characters (<c>A?1?3?5?</c>).
    /// </summary>
    private static async Task<IReadOnlyCollection<SerialCandidate>> ByRangeAsync(
        SqlSession session, SearchQueries.CandidateScope scope, bool reversed, string start)
    {
        var to = start[..^1] + (char)(start[^1] + 1);
        return await SearchQueries.ByRangeAsync(session, scope, reversed, start, to, RangeCandidateCap);
    }

    /// <summary>Whether the serial as entered holds <paramref name="canonicalQuery"/> once normalised and folded.</summary>
    private static bool Contains(string serial, string canonicalQuery) =>
        SerialNormalizer.Canonicalize(SerialNormalizer.Normalize(serial)).Contains(canonicalQuery, StringComparison.Ordinal);

    /// <summary>The characters before the first wildcard.</summary>
    public static string KnownPrefix(string canonicalPattern)
    {
        var end = canonicalPattern.IndexOfAny(['?', '*']);
        return end < 0 ? canonicalPattern : canonicalPattern[..end];
    }

    /// <summary>The characters after the last wildcard.</summary>
    public static string KnownSuffix(string canonicalPattern) => canonicalPattern[(canonicalPattern.LastIndexOfAny(['?', '*']) + 1)..];
}
