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
/// <para><b>Segment keys</b>, in [2^62, 2^63): a PassJoin-style partition of the serial into
/// three segments for fuzzy search up to distance 2; each key is FNV-1a-64 of
/// (serial length, segment index, segment text) with bit 62 set and bit 63 clear. See
/// <see cref="ForFuzzy(string, int)"/> for why lookups find every serial within distance 2.</para>
/// <para>The encoding is persisted: changing anything here requires rebuilding <c>serial_key</c>.</para>
/// </remarks>
public static class SerialKeys
{
    /// <summary>Segment keys are exactly the keys with this bit set.</summary>
    public const long SegmentKeyFlag = 1L << 62;

    /// <summary>Trigram keys are the keys below this bound.</summary>
    public const long TrigramKeyLimit = 1L << 18;

    /// <summary>The largest edit distance <see cref="ForFuzzy(string, int)"/> guarantees to cover.</summary>
    public const int MaximumFuzzyDistance = 2;

    /// <summary>Serials shorter than this get no segment keys (they are too short to search fuzzily).</summary>
    public const int MinimumFuzzyLength = 4;

    private const int Segments = 3;
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>Whether a key is a trigram key (as opposed to a segment key).</summary>
    public static bool IsTrigramKey(long key) => key is >= 0 and < TrigramKeyLimit;

    /// <summary>Whether a key is a segment key.</summary>
    public static bool IsSegmentKey(long key) => key >= 0 && (key & SegmentKeyFlag) != 0;

    /// <summary>
    /// The distinct keys to store for one canonical serial: its padded trigrams (|s| of them) and,
    /// from 4 characters, up to 7 segment keys (three segments plus their boundary variants).
    /// </summary>
    public static IReadOnlyList<long> ForSerial(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var length = canonical.Length;
        var keys = new List<long>(length + 7);

        for (var i = 0; i < length; i++)
        {
            AddDistinct(keys, TrigramKey(Padded(canonical, i), Padded(canonical, i + 1), Padded(canonical, i + 2)));
        }

        if (length < MinimumFuzzyLength)
        {
            return keys;
        }

        var s = canonical.AsSpan();
        for (var k = 0; k < Segments; k++)
        {
            var start = SegmentStart(length, k);
            var end = SegmentStart(length, k + 1);
            var text = s[start..end];
            AddDistinct(keys, SegmentKey(length, k, text, '\0', '\0'));

            // Boundary variants: the segment as it reads after the two characters straddling its
            // left (right) boundary are transposed. Why these suffice is argued at ForFuzzy.
            if (k > 0)
            {
                AddDistinct(keys, SegmentKey(length, k, text, s[start - 1], '\0'));
            }

            if (k < Segments - 1)
            {
                AddDistinct(keys, SegmentKey(length, k, text, '\0', s[end]));
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

    /// <summary>The segment keys that find every serial within distance 2 of the query.</summary>
    public static IReadOnlyList<long> ForFuzzy(string canonicalQuery) => ForFuzzy(canonicalQuery, MaximumFuzzyDistance);

    /// <summary>
    /// The segment keys to look up so that every serial s with |s| ≥ 4 and optimal-string-alignment
    /// distance to the query at most <paramref name="maxDistance"/> (≤ 2) has one of its stored
    /// segment keys in the list. At most 45 keys.
    /// </summary>
    /// <remarks>
    /// <para>Why it is complete. Take an optimal alignment of s to q with d ≤ 2 operations; each is a
    /// substitution, insertion, deletion or transposition of two adjacent characters, and OSA
    /// never edits a character twice. s is cut into three segments. Call an operation <em>inside</em>
    /// segment k when it changes a character of k, inserts between two of its characters, or
    /// transposes two of its characters. An insertion exactly at a boundary is inside no segment.
    /// A transposition that straddles a boundary (last char of k, first char of k + 1) is
    /// inside no segment either: it is absorbed by the boundary variants stored by
    /// <see cref="ForSerial"/>: segment k read with its last character replaced by the next one,
    /// and segment k + 1 read with its first character replaced by the previous one.</para>
    /// <para>Each operation is inside at most one segment, so with d ≤ 2 at least one of the three
    /// segments has none inside it. That segment, read with the straddling transpositions at its
    /// own boundaries applied, occurs verbatim in q. It needs at most one variant: the middle
    /// segment could need both only when both operations straddle, and then segment 0 is free with
    /// its right variant, which is stored. (A 1-character segment can never straddle twice, since
    /// OSA does not edit a character twice.)</para>
    /// <para>Where it occurs: substitutions and transpositions keep positions, so the segment
    /// starting at a in s starts at a + δ in q, δ = insertions − deletions before it. With
    /// Δ = |q| − |s| = δ + (insertions − deletions after it), |δ| + |Δ − δ| ≤ d, which bounds
    /// both |s| ∈ [|q| − d, |q| + d] and δ. So looking up, for each such length L, each segment k
    /// and each such δ, the substring of q at a + δ with the length of segment k of a serial of
    /// length L, under key (L, k, text), meets one of s's stored keys.</para>
    /// <para>Three segments (not five, as tau + 1 = 3 with transpositions counted as two edits would
    /// suggest) keep each segment long enough to be selective; the price is up to four extra keys
    /// per serial. The property tests check this argument on random and on exhaustive inputs.</para>
    /// </remarks>
    public static IReadOnlyList<long> ForFuzzy(string canonicalQuery, int maxDistance)
    {
        ArgumentNullException.ThrowIfNull(canonicalQuery);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDistance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDistance, MaximumFuzzyDistance);

        var q = canonicalQuery.AsSpan();
        var n = q.Length;
        var keys = new List<long>(45);
        for (var length = Math.Max(MinimumFuzzyLength, n - maxDistance); length <= n + maxDistance; length++)
        {
            var delta = n - length;
            for (var k = 0; k < Segments; k++)
            {
                var start = SegmentStart(length, k);
                var segmentLength = SegmentStart(length, k + 1) - start;
                for (var shift = -maxDistance; shift <= maxDistance; shift++)
                {
                    if (Math.Abs(shift) + Math.Abs(delta - shift) > maxDistance)
                    {
                        continue;
                    }

                    var at = start + shift;
                    if (at >= 0 && at + segmentLength <= n)
                    {
                        AddDistinct(keys, SegmentKey(length, k, q.Slice(at, segmentLength), '\0', '\0'));
                    }
                }
            }
        }

        return keys;
    }

    /// <summary>
    /// Where segment <paramref name="index"/> of a serial of <paramref name="length"/> characters
    /// starts (index 3 gives the end). Segments differ in length by at most one, shorter first.
    /// </summary>
    internal static int SegmentStart(int length, int index) => index * length / Segments;

    internal static long TrigramKey(char a, char b, char c) => (Code(a) << 12) | (Code(b) << 6) | Code(c);

    /// <summary>
    /// FNV-1a over the segment's length, index and text, where a non-zero
    /// <paramref name="first"/> or <paramref name="last"/> replaces the text's first or last character.
    /// </summary>
    internal static long SegmentKey(int length, int index, ReadOnlySpan<char> text, char first, char last)
    {
        var hash = FnvOffset;
        hash = Mix(hash, (ushort)length);
        hash = Mix(hash, (ushort)index);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (i == 0 && first != '\0')
            {
                c = first;
            }

            if (i == text.Length - 1 && last != '\0')
            {
                c = last;
            }

            hash = Mix(hash, c);
        }

        return (long)(hash & (ulong)(SegmentKeyFlag - 1)) | SegmentKeyFlag;
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

    // Key lists are a few dozen long, where a linear scan beats hashing and allocates nothing.
    private static void AddDistinct(List<long> keys, long key)
    {
        if (!keys.Contains(key))
        {
            keys.Add(key);
        }
    }
}
