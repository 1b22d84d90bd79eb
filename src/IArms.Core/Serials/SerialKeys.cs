namespace IArms.Core.Serials;

/// <summary>
/// The integer keys stored per serial in <c>serial_key(key, serial_id)</c> and the keys a search
/// looks up there. Every key only nominates candidates: the caller verifies each candidate with
/// <see cref="SerialMatcher.Match"/>, so a hash collision costs a wasted comparison, never a wrong answer.
/// </summary>
/// <remarks>
/// <para>Two disjoint key ranges share one column.</para>
/// <para><b>Trigram keys</b>, in [0, 2^18): every trigram of <c>^</c> + serial + <c>$</c>, each
/// character as a 6-bit code (<c>^</c>=1, <c>$</c>=2, digits 3–12, letters 13–38), packed
/// big-endian. Padding puts prefixes and suffixes in the index, so an anchored wildcard
/// pattern such as <c>AB12*</c> is selective.</para>
/// <para><b>Deletion keys</b>, in [2^62, 2^63): FNV-1a-64 of each string in the serial's deletion
/// neighbourhood — the serial itself and every string made by deleting one of its characters —
/// with bit 62 set. They are nearly as long as the serial, so each names a handful of serials,
/// unlike fixed segments, which a manufacturer's common prefix or an all-digit serial floods.
/// See <see cref="ForFuzzy(string, int)"/> for why lookups find every serial within distance 2.</para>
/// <para>The encoding is persisted: changing anything here requires rebuilding <c>serial_key</c>.</para>
/// </remarks>
public static class SerialKeys
{
    /// <summary>Deletion keys are exactly the keys with this bit set.</summary>
    public const long DeletionKeyFlag = 1L << 62;

    /// <summary>Trigram keys are the keys below this bound.</summary>
    public const long TrigramKeyLimit = 1L << 18;

    /// <summary>The largest edit distance <see cref="ForFuzzy(string, int)"/> guarantees to cover.</summary>
    public const int MaximumFuzzyDistance = 2;

    /// <summary>Serials shorter than this get no deletion keys (they are too short to search fuzzily).</summary>
    public const int MinimumFuzzyLength = 4;

    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>Whether a key is a trigram key (as opposed to a deletion key).</summary>
    public static bool IsTrigramKey(long key) => key is >= 0 and < TrigramKeyLimit;

    /// <summary>Whether a key is a deletion key.</summary>
    public static bool IsDeletionKey(long key) => key >= 0 && (key & DeletionKeyFlag) != 0;

    /// <summary>
    /// The distinct keys to store for one canonical serial: its padded trigrams (|s| of them) and,
    /// from 4 characters, its deletion neighbourhood (at most |s| + 1 keys).
    /// </summary>
    public static IReadOnlyList<long> ForSerial(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var length = canonical.Length;
        var keys = new List<long>((2 * length) + 1);

        for (var i = 0; i < length; i++)
        {
            AddDistinct(keys, TrigramKey(Padded(canonical, i), Padded(canonical, i + 1), Padded(canonical, i + 2)));
        }

        if (length >= MinimumFuzzyLength)
        {
            var s = canonical.AsSpan();
            AddDistinct(keys, DeletionKey(s, -1));
            for (var i = 0; i < length; i++)
            {
                AddDistinct(keys, DeletionKey(s, i));
            }
        }

        return keys;
    }

    /// <summary>
    /// The trigram keys every serial matched by <paramref name="pattern"/> must hold, so a caller
    /// can intersect their postings. Trigrams are taken from the runs of known characters in
    /// <c>^</c> + pattern + <c>$</c> and never span a wildcard; a leading <c>*</c> drops the
    /// <c>^</c> and a trailing one the <c>$</c>.
    /// </summary>
    /// <returns>
    /// The keys, possibly none (e.g. <c>A?B?C</c> has no three adjacent known characters). When
    /// empty the index cannot narrow the search and the caller must use another strategy, such as
    /// a length-bounded scan, verifying each candidate with <see cref="SerialPattern.Matches"/>.
    /// </returns>
    public static IReadOnlyList<long> ForPattern(SerialPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var c = pattern.Canonical;
        var anchoredStart = c[0] != '*';
        var anchoredEnd = c[^1] != '*';
        Span<char> padded = stackalloc char[c.Length + 2];
        var length = 0;
        if (anchoredStart)
        {
            padded[length++] = '^';
        }

        c.AsSpan().CopyTo(padded[length..]);
        length += c.Length;
        if (anchoredEnd)
        {
            padded[length++] = '$';
        }

        return RunTrigrams(padded[..length]);
    }

    /// <summary>
    /// The trigram keys for a partial (contiguous substring) query: those of the pattern
    /// <c>*query*</c>. They find serials that contain the query, not serials contained in it.
    /// </summary>
    public static IReadOnlyList<long> ForPartial(string canonicalQuery)
    {
        ArgumentNullException.ThrowIfNull(canonicalQuery);
        return RunTrigrams(canonicalQuery);
    }

    /// <summary>The deletion keys that find every serial within distance 2 of the query.</summary>
    public static IReadOnlyList<long> ForFuzzy(string canonicalQuery) => ForFuzzy(canonicalQuery, MaximumFuzzyDistance);

    /// <summary>
    /// The deletion keys to look up so that every serial s with |s| ≥ 4 and optimal-string-alignment
    /// distance to the query at most <paramref name="maxDistance"/> (≤ 2) holds one of them:
    /// |q| + 1 keys for distance 1, about 30·|q|² for distance 2 (about 3,000 for ten characters).
    /// </summary>
    /// <remarks>
    /// <para>Distance 1: if q and s are one substitution, insertion, deletion or adjacent
    /// transposition apart, deleting one character from each (the substituted one; the inserted one
    /// from the longer, nothing from the shorter; one of the two transposed) leaves the same string.
    /// So q's neighbourhood (q and its one-deletions) meets s's stored neighbourhood.</para>
    /// <para>Distance 2: an optimal OSA alignment has two operations on disjoint positions, so either
    /// may be applied first. If one of them, applied to q, is a substitution, deletion or
    /// transposition, the result q′ is within distance 1 of s, and q′'s neighbourhood is looked up.
    /// Otherwise both insert into q (s is q plus two characters); then q′ = q plus one character is a
    /// one-deletion of s, so q′ itself is looked up. Substitutions and insertions range over the
    /// canonical alphabet, the only characters a stored canonical serial holds.</para>
    /// </remarks>
    public static IReadOnlyList<long> ForFuzzy(string canonicalQuery, int maxDistance)
    {
        ArgumentNullException.ThrowIfNull(canonicalQuery);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaximumFuzzyDistance);

        var q = canonicalQuery.AsSpan();
        var n = q.Length;
        var keys = new HashSet<long>();
        if (maxDistance == 0 || n == 0)
        {
            return [];
        }

        AddNeighbourhood(keys, q);
        if (maxDistance == 1)
        {
            return [.. keys];
        }

        Span<char> variant = stackalloc char[n + 1];
        var alphabet = SerialNormalizer.CanonicalAlphabet;
        for (var i = 0; i < n; i++)
        {
            // One deletion, then its neighbourhood.
            q[..i].CopyTo(variant);
            q[(i + 1)..].CopyTo(variant[i..]);
            AddNeighbourhood(keys, variant[..(n - 1)]);

            // Each substitution at i, then its neighbourhood.
            q.CopyTo(variant);
            foreach (var c in alphabet)
            {
                if (c != q[i])
                {
                    variant[i] = c;
                    AddNeighbourhood(keys, variant[..n]);
                }
            }

            // The transposition of i and i + 1, then its neighbourhood.
            if (i + 1 < n && q[i] != q[i + 1])
            {
                q.CopyTo(variant);
                (variant[i], variant[i + 1]) = (q[i + 1], q[i]);
                AddNeighbourhood(keys, variant[..n]);
            }
        }

        // Two insertions: q plus one character is a one-deletion of s.
        for (var i = 0; i <= n; i++)
        {
            q[..i].CopyTo(variant);
            q[i..].CopyTo(variant[(i + 1)..]);
            foreach (var c in alphabet)
            {
                variant[i] = c;
                keys.Add(DeletionKey(variant[..(n + 1)], -1));
            }
        }

        return [.. keys];
    }

    /// <summary>Patterns with more unreadable characters than this are left to the trigram keys.</summary>
    public const int MaximumEnumeratedUnknowns = 3;

    /// <summary>
    /// For a fixed-length pattern (no <c>*</c>) of at least 4 characters with 1 to
    /// <see cref="MaximumEnumeratedUnknowns"/> <c>?</c>: deletion keys that every matching serial holds
    /// one of. The last <c>?</c> is deleted and the others take every letter of the canonical alphabet, so
    /// a matching serial holds exactly the key of its own characters at the other positions: 1, 27 or 729
    /// keys, each naming a handful of serials. Null for any other pattern.
    /// </summary>
    public static IReadOnlyList<long>? ForUnreadable(SerialPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var c = pattern.Canonical;
        if (!pattern.IsFixedLength || c.Length < MinimumFuzzyLength)
        {
            return null;
        }
        var unknown = new List<int>();
        for (var i = 0; i < c.Length; i++)
        {
            if (c[i] == '?')
            {
                unknown.Add(i);
            }
        }
        if (unknown.Count is 0 or > MaximumEnumeratedUnknowns)
        {
            return null;
        }

        var alphabet = SerialNormalizer.CanonicalAlphabet;
        var deleted = unknown[^1];
        var free = unknown.Count - 1;
        var combinations = (int)Math.Pow(alphabet.Length, free);
        var keys = new List<long>(combinations);
        Span<char> candidate = stackalloc char[c.Length];
        c.AsSpan().CopyTo(candidate);
        for (var n = 0; n < combinations; n++)
        {
            var rest = n;
            for (var j = 0; j < free; j++)
            {
                candidate[unknown[j]] = alphabet[rest % alphabet.Length];
                rest /= alphabet.Length;
            }
            keys.Add(DeletionKey(candidate, deleted));
        }
        return keys;
    }

    private static void AddNeighbourhood(HashSet<long> keys, ReadOnlySpan<char> s)
    {
        keys.Add(DeletionKey(s, -1));
        for (var i = 0; i < s.Length; i++)
        {
            keys.Add(DeletionKey(s, i));
        }
    }

    internal static long TrigramKey(char a, char b, char c) => (Code(a) << 12) | (Code(b) << 6) | Code(c);

    /// <summary>FNV-1a of <paramref name="s"/> without the character at <paramref name="skip"/> (none when −1), in the deletion range.</summary>
    internal static long DeletionKey(ReadOnlySpan<char> s, int skip)
    {
        var hash = FnvOffset;
        for (var i = 0; i < s.Length; i++)
        {
            if (i != skip)
            {
                hash = Mix(hash, s[i]);
            }
        }

        return (long)(hash & (ulong)(DeletionKeyFlag - 1)) | DeletionKeyFlag;
    }

    private static ulong Mix(ulong hash, ushort value)
    {
        hash = (hash ^ (byte)value) * FnvPrime;
        return (hash ^ (byte)(value >> 8)) * FnvPrime;
    }

    private static List<long> RunTrigrams(ReadOnlySpan<char> s)
    {
        var keys = new List<long>(Math.Max(0, s.Length - 2));
        for (var i = 0; i + 2 < s.Length; i++)
        {
            if (IsWildcard(s[i]) || IsWildcard(s[i + 1]) || IsWildcard(s[i + 2]))
            {
                continue;
            }

            AddDistinct(keys, TrigramKey(s[i], s[i + 1], s[i + 2]));
        }

        return keys;

        static bool IsWildcard(char c) => c is '?' or '*';
    }

    private static char Padded(string s, int i) => i == 0 ? '^' : i == s.Length + 1 ? '$' : s[i - 1];

    private static long Code(char c) => c switch
    {
        '^' => 1,
        '$' => 2,
        >= '0' and <= '9' => 3 + (c - '0'),
        >= 'A' and <= 'Z' => 13 + (c - 'A'),
        // Not reachable from canonical input; any fixed code keeps the function total and consistent.
        _ => 63,
    };

    // Stored key lists are a few dozen long, where a linear scan beats hashing and allocates nothing.
    private static void AddDistinct(List<long> keys, long key)
    {
        if (!keys.Contains(key))
        {
            keys.Add(key);
        }
    }
}
