using System.Buffers;

namespace IArms.Core.Serials;

/// <summary>
/// Bounded optimal-string-alignment distance: insertions, deletions, substitutions and
/// transpositions of adjacent characters each cost 1, and no character is edited twice.
/// A swapped pair of digits is the most common misreading of a stamped serial, hence the transposition.
/// </summary>
public static class DamerauLevenshtein
{
    private const int StackLimit = 96;

    /// <summary>
    /// The distance between <paramref name="a"/> and <paramref name="b"/> if it is at most
    /// <paramref name="max"/>, otherwise <c>max + 1</c>.
    /// </summary>
    /// <remarks>
    /// Only the diagonal band |i − j| ≤ max is computed, because any cell outside it already costs
    /// more than max; and the scan stops as soon as two consecutive rows exceed max, because every
    /// later cell is derived from those two rows at no lower cost. Cost O(max · min(|a|, |b|)).
    /// </remarks>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        if (b.Length > a.Length)
        {
            var swap = a;
            a = b;
            b = swap;
        }

        // b is now the shorter string; rows are indexed by a and hold |b| + 1 cells.
        var n = a.Length;
        var m = b.Length;
        if (n - m > max)
        {
            return max + 1;
        }

        if (m == 0)
        {
            return n;
        }

        // A sentinel well above any reachable value, but far from overflowing when 1 is added.
        var big = max + 2;
        var width = m + 1;
        int[]? rented = null;
        var cells = 3 * width <= StackLimit
            ? stackalloc int[3 * width]
            : (rented = ArrayPool<int>.Shared.Rent(3 * width)).AsSpan(0, 3 * width);
        try
        {
            var before = cells[..width];
            var previous = cells.Slice(width, width);
            var current = cells.Slice(2 * width, width);
            before.Fill(big);
            for (var j = 0; j < width; j++)
            {
                previous[j] = j <= max ? j : big;
            }

            var previousMin = 0;
            for (var i = 1; i <= n; i++)
            {
                var low = Math.Max(1, i - max);
                var high = Math.Min(m, i + max);

                // The cells just outside the band are read by this row and the next; make them
                // "too far" instead of stale values from three rows ago.
                current[low - 1] = low == 1 ? (i <= max ? i : big) : big;
                if (high < m)
                {
                    current[high + 1] = big;
                }

                var rowMin = current[low - 1];
                for (var j = low; j <= high; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    var value = Math.Min(
                        Math.Min(previous[j] + 1, current[j - 1] + 1),
                        previous[j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        value = Math.Min(value, before[j - 2] + 1);
                    }

                    value = Math.Min(value, big);
                    current[j] = value;
                    rowMin = Math.Min(rowMin, value);
                }

                if (rowMin > max && previousMin >= max)
                {
                    return max + 1;
                }

                previousMin = rowMin;
                var recycled = before;
                before = previous;
                previous = current;
                current = recycled;
            }

            return Math.Min(previous[m], max + 1);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The largest distance a fuzzy match may have, for a serial of this length: 0 below 4
    /// characters (too short to search fuzzily), 1 below 8, 2 from 8 (see DESIGN.md, "Serial search").
    /// </summary>
    public static int FuzzyThreshold(int length) => length switch
    {
        < 4 => 0,
        < 8 => 1,
        _ => 2,
    };
}
