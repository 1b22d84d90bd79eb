namespace IArms.Core.Serials;

/// <summary>
/// Decides whether and how a record's serial matches a search, and orders the results.
/// </summary>
/// <remarks>
/// <para>Scores. Each kind owns a band of the 0–100 scale and the bands do not overlap, so a
/// score never contradicts the kind: exact 95–100 (100 before attributes), normalized 89–94 (93),
/// confusable 83–88 (87), wildcard 68–82 (70 + 10 × the share of the serial that was readable),
/// partial 55–67 (57 + 8 × shorter/longer length), fuzzy 30–54 (50 − 10 per edit beyond the first).</para>
/// <para>Attributes. DESIGN.md says make, calibre and type narrow and rank. They never turn a
/// match into a non-match: the reference data are often wrong or missing, and a seized weapon's
/// make is often misdescribed. Each agreeing attribute adds 2 points and each disagreeing one
/// takes 4, since a contradiction says more than a coincidence; the result is clamped to the
/// kind's band, so the score describes the serial match; the order (<see cref="Compare"/>) also weighs the
/// description, and a record that fits it ranks above a slightly closer serial that does not.</para>
/// </remarks>
public static class SerialMatcher
{
    private const double AgreementPoints = 2;
    private const double DisagreementPoints = 4;

    /// <summary>Orders matches best first; see <see cref="Compare"/>.</summary>
    public static IComparer<SerialMatch> Comparer { get; } = Comparer<SerialMatch>.Create(Compare);

    /// <summary>
    /// How <paramref name="serialAsEntered"/> matches <paramref name="query"/>, by the first rule
    /// that applies in the order of <see cref="SerialMatchKind"/>, or null when they are unrelated.
    /// </summary>
    public static SerialMatch? Match(SearchQuery query, string? serialAsEntered)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrEmpty(serialAsEntered))
        {
            return null;
        }

        if (query.Raw.AsSpan().Trim().Equals(serialAsEntered.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return Scored(SerialMatchKind.Exact, 0, 100);
        }

        var normalized = SerialNormalizer.Normalize(serialAsEntered);
        var canonical = SerialNormalizer.Canonicalize(normalized);
        if (canonical.Length == 0)
        {
            return null;
        }

        var pattern = query.Pattern;
        if (pattern.HasWildcards)
        {
            // Unknown characters already widen the search; adding edits on top would match noise.
            return pattern.Matches(canonical)
                ? Scored(SerialMatchKind.Wildcard, 0, 70 + (10.0 * pattern.KnownCharacters / canonical.Length))
                : null;
        }

        if (string.Equals(query.Normalized, normalized, StringComparison.Ordinal))
        {
            return Scored(SerialMatchKind.Normalized, 0, 93);
        }

        var q = query.Canonical;
        if (string.Equals(q, canonical, StringComparison.Ordinal))
        {
            return Scored(SerialMatchKind.Confusable, 0, 87);
        }

        var queryInSerial = q.Length >= 4 && canonical.Contains(q, StringComparison.Ordinal);
        var serialInQuery = canonical.Length >= 4 && q.Contains(canonical, StringComparison.Ordinal);
        if (queryInSerial || serialInQuery)
        {
            var shorter = Math.Min(q.Length, canonical.Length);
            var longer = Math.Max(q.Length, canonical.Length);
            return Scored(SerialMatchKind.Partial, longer - shorter, 57 + (8.0 * shorter / longer));
        }

        // The shorter serial sets the tolerance: two edits are allowed only when both sides have 8
        // characters or more, so a short serial is never stretched into an unrelated long one.
        var threshold = DamerauLevenshtein.FuzzyThreshold(Math.Min(q.Length, canonical.Length));
        if (threshold > 0)
        {
            var distance = DamerauLevenshtein.Distance(q, canonical, threshold);
            if (distance <= threshold)
            {
                return Scored(SerialMatchKind.Fuzzy, distance, 50 - (10.0 * (distance - 1)));
            }
        }

        return null;
    }

    /// <summary>
    /// The match adjusted for the record's make, calibre and type. Applying it again replaces
    /// the earlier adjustment rather than adding to it.
    /// </summary>
    public static SerialMatch WithAttributes(
        SerialMatch match,
        AttributeAgreement make,
        AttributeAgreement calibre,
        AttributeAgreement type)
    {
        ArgumentNullException.ThrowIfNull(match);
        var agreeing = Count(AttributeAgreement.Agrees, make, calibre, type);
        var disagreeing = Count(AttributeAgreement.Disagrees, make, calibre, type);
        var (low, high) = Band(match.Kind);
        var score = Math.Clamp(
            match.BaseScore + (AgreementPoints * agreeing) - (DisagreementPoints * disagreeing),
            low,
            high);
        return match with
        {
            Score = Math.Round(score, 2),
            AttributesAgreeing = agreeing,
            AttributesDisagreeing = disagreeing,
        };
    }

    /// <summary>
    /// How a record's make or calibre (or type) compares with the one the officer gave: by the reference table's
    /// canonical names when both resolve, else by the text, ignoring case and surrounding spaces. A record that
    /// leaves it blank disagrees: nothing says it is that weapon.
    /// </summary>
    public static AttributeAgreement Agreement(string? asked, string? askedCanonical, string? recorded, string? recordedCanonical)
    {
        if (string.IsNullOrWhiteSpace(asked))
        {
            return AttributeAgreement.NotGiven;
        }
        var same = askedCanonical is not null && recordedCanonical is not null
            ? askedCanonical == recordedCanonical
            : string.Equals(asked.Trim(), recorded?.Trim(), StringComparison.OrdinalIgnoreCase);
        return same ? AttributeAgreement.Agrees : AttributeAgreement.Disagrees;
    }

    /// <summary>
    /// Best first: by <see cref="Closeness"/> (serial distance, with each disagreeing descriptor counting as one
    /// and a half edits), then kind, then fewer disagreeing attributes, then more agreeing ones, then smaller
    /// distance, then higher score.
    /// </summary>
    /// <remarks>
    /// Short serials collide across makers: the officer's Beretta with two digits swapped must rank above a
    /// Glock that holds the typed serial exactly. So agreement with the description outranks closeness of the
    /// serial where the distances are equal or one apart; two edits apart, the closer serial wins unless it
    /// contradicts two descriptors more. Weighing both in one number keeps the order total and transitive
    /// (a pairwise "agreement first when one apart" rule is not: it cycles over three records).
    /// </remarks>
    public static int Compare(SerialMatch? x, SerialMatch? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        // Nulls (no match) sort last, so a comparer over optional matches stays total.
        if (x is null)
        {
            return 1;
        }

        if (y is null)
        {
            return -1;
        }

        var order = Closeness(x).CompareTo(Closeness(y));
        if (order == 0)
        {
            order = x.Kind.CompareTo(y.Kind);
        }

        if (order == 0)
        {
            order = x.AttributesDisagreeing.CompareTo(y.AttributesDisagreeing);
        }

        if (order == 0)
        {
            order = y.AttributesAgreeing.CompareTo(x.AttributesAgreeing);
        }

        if (order == 0)
        {
            order = x.Distance.CompareTo(y.Distance);
        }

        if (order == 0)
        {
            order = y.Score.CompareTo(x.Score);
        }

        return order;
    }

    /// <summary>
    /// How far a match is from what the officer described, in half edits: twice the serial distance (the edit
    /// distance; for a partial match the length difference, which is its edit distance) plus three per
    /// disagreeing descriptor. Smaller is better.
    /// </summary>
    public static int Closeness(SerialMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return (2 * match.Distance) + (3 * match.AttributesDisagreeing);
    }

    /// <summary>
    /// The search stop rule: the matches found so far answer the search, and the later (wider) tiers are not
    /// run, when one of them agrees with every descriptor the officer gave (make, calibre, type; none given
    /// agrees trivially). <paramref name="adjusted"/> are matches after <see cref="WithAttributes"/>.
    /// </summary>
    /// <remarks>
    /// An exact, normalised or confusable match of another maker's weapon is not the officer's weapon: the
    /// search goes on, so that the record with one misread character and the right make is found too.
    /// </remarks>
    public static bool EndsSearch(IEnumerable<SerialMatch> adjusted)
    {
        ArgumentNullException.ThrowIfNull(adjusted);
        return adjusted.Any(m => m.AttributesDisagreeing == 0);
    }

    /// <summary>
    /// Orders results best first by <see cref="Compare"/>, breaking remaining ties by
    /// <paramref name="tieBreaker"/> ascending (e.g. the record id) so pages are stable.
    /// </summary>
    public static IReadOnlyList<(T Item, SerialMatch Match)> Rank<T, TKey>(
        IEnumerable<(T Item, SerialMatch Match)> results,
        Func<T, TKey> tieBreaker)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(tieBreaker);
        return results
            .OrderBy(r => r.Match, Comparer)
            .ThenBy(r => tieBreaker(r.Item), Comparer<TKey>.Default)
            .ToList();
    }

    private static SerialMatch Scored(SerialMatchKind kind, int distance, double score)
    {
        var (low, high) = Band(kind);
        return new SerialMatch(kind, distance, Math.Round(Math.Clamp(score, low, high), 2));
    }

    private static (double Low, double High) Band(SerialMatchKind kind) => kind switch
    {
        SerialMatchKind.Exact => (95, 100),
        SerialMatchKind.Normalized => (89, 94),
        SerialMatchKind.Confusable => (83, 88),
        SerialMatchKind.Wildcard => (68, 82),
        SerialMatchKind.Partial => (55, 67),
        _ => (30, 54),
    };

    private static int Count(AttributeAgreement wanted, AttributeAgreement make, AttributeAgreement calibre, AttributeAgreement type) =>
        (make == wanted ? 1 : 0) + (calibre == wanted ? 1 : 0) + (type == wanted ? 1 : 0);
}
