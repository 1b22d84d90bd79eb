using System.Collections.Frozen;
using System.Text;

namespace IArms.Core;

/// <summary>
/// Unicode normalisation form C, so that "é" typed as one character and as "e" plus a combining
/// accent is stored and compared as the same text.
/// </summary>
/// <remarks>
/// The project runs with <c>InvariantGlobalization</c>, where <see cref="string.Normalize()"/> returns its
/// input unchanged; this carries its own tables (<c>scripts/generate-nfc.py</c>, Unicode
/// <see cref="NfcData.UnicodeVersion"/>), which also keeps stored text independent of the host's ICU.
/// A lone surrogate is kept as it is: it is not a character, and the validators refuse it by name.
/// </remarks>
public static class Nfc
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    // Below U+0300 there are no combining marks, and every precomposed letter is already in form C.
    private const char FirstUnstable = '\u0300';

    private static readonly FrozenDictionary<int, int[]> Decompositions = ReadDecompositions();
    private static readonly FrozenDictionary<int, int> CombiningClasses = ReadPairs(NfcData.CombiningClasses);
    private static readonly FrozenDictionary<long, int> Compositions = ReadCompositions();

    /// <summary>The text in form C; the same instance when it already is (always so for Latin-1 text).</summary>
    public static string Normalize(string text)
    {
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', (char)(FirstUnstable - 1)))
        {
            return text;
        }
        var points = Compose(Reorder(Decompose(text)));
        var builder = new StringBuilder(text.Length);
        foreach (var point in points)
        {
            if (point is >= 0xD800 and <= 0xDFFF)
            {
                builder.Append((char)point);
            }
            else
            {
                builder.Append(char.ConvertFromUtf32(point));
            }
        }
        var result = builder.ToString();
        return result == text ? text : result;
    }

    private static List<int> Decompose(string text)
    {
        var points = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            int point = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                point = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            if (point is >= SBase and < SBase + SCount)
            {
                var index = point - SBase;
                points.Add(LBase + index / NCount);
                points.Add(VBase + index % NCount / TCount);
                if (index % TCount != 0)
                {
                    points.Add(TBase + index % TCount);
                }
            }
            else if (Decompositions.TryGetValue(point, out var parts))
            {
                points.AddRange(parts);
            }
            else
            {
                points.Add(point);
            }
        }
        return points;
    }

    /// <summary>Canonical ordering: marks after one starter sorted by combining class, equal classes kept in order.</summary>
    private static List<int> Reorder(List<int> points)
    {
        for (var i = 1; i < points.Count; i++)
        {
            var point = points[i];
            var cls = Class(point);
            if (cls == 0)
            {
                continue;
            }
            var j = i;
            while (j > 0 && Class(points[j - 1]) > cls)
            {
                points[j] = points[j - 1];
                j--;
            }
            points[j] = point;
        }
        return points;
    }

    private static List<int> Compose(List<int> points)
    {
        var result = new List<int>(points.Count);
        var starter = -1;
        var lastClass = 0;
        foreach (var point in points)
        {
            var cls = Class(point);
            // After reordering, the marks between the starter and this one rise in class: this one is
            // blocked when the last of them has a class at least its own (or is not a mark at all).
            var adjacent = starter == result.Count - 1;
            if (starter >= 0 && (adjacent || (lastClass != 0 && lastClass < cls)) && TryCompose(result[starter], point, out var composite))
            {
                result[starter] = composite;
                continue;
            }
            if (cls == 0)
            {
                starter = result.Count;
            }
            result.Add(point);
            lastClass = cls;
        }
        return result;
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + (second - VBase)) * TCount;
            return true;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + (second - TBase);
            return true;
        }
        return Compositions.TryGetValue(Key(first, second), out composite);
    }

    private static int Class(int point) => point < FirstUnstable ? 0 : CombiningClasses.GetValueOrDefault(point);

    private static long Key(int first, int second) => ((long)first << 21) | (uint)second;

    private static FrozenDictionary<int, int[]> ReadDecompositions()
    {
        var map = new Dictionary<int, int[]>();
        var data = NfcData.Decompositions;
        for (var i = 0; i < data.Length; i += 2 + data[i + 1])
        {
            map[data[i]] = data.AsSpan(i + 2, data[i + 1]).ToArray();
        }
        return map.ToFrozenDictionary();
    }

    private static FrozenDictionary<int, int> ReadPairs(int[] data)
    {
        var map = new Dictionary<int, int>();
        for (var i = 0; i < data.Length; i += 2)
        {
            map[data[i]] = data[i + 1];
        }
        return map.ToFrozenDictionary();
    }

    private static FrozenDictionary<long, int> ReadCompositions()
    {
        var map = new Dictionary<long, int>();
        var data = NfcData.Compositions;
        for (var i = 0; i < data.Length; i += 3)
        {
            map[Key(data[i], data[i + 1])] = data[i + 2];
        }
        return map.ToFrozenDictionary();
    }
}
