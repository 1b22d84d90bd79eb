namespace IArms.Core.Serials;

/// <summary>One character of a recorded serial as shown to the officer: <see cref="Differs"/> when the typed serial had something else there.</summary>
public sealed record SerialCharacter(char Value, bool Differs);

/// <summary>How a recorded serial differs from the one typed, in characters to highlight and in words.</summary>
public sealed record SerialExplanation(IReadOnlyList<SerialCharacter> Recorded, string Words);

/// <summary>
/// Explains a match to a person: aligns the typed serial with the recorded one (both normalised: upper case, letters
/// and digits only) by the Damerau-Levenshtein edit script, marks the recorded characters that differ, and says what
/// happened ("read O as 0 and I as 1", "two characters swapped", "one character missing"). Unreadable characters of a
/// pattern (<c>?</c>, <c>*</c>) are explained as such, never as differences.
/// </summary>
public static class SerialDifference
{
    public static SerialExplanation Explain(string typed, string recorded, SerialMatchKind kind)
    {
        var a = SerialNormalizer.Normalize(typed);
        var b = SerialNormalizer.Normalize(recorded);
        if (kind is SerialMatchKind.Wildcard || typed.Contains('?') || typed.Contains('*'))
        {
            var words = kind == SerialMatchKind.Wildcard
                ? "matches the pattern: ? stood for one unreadable character and * for a run of them"
                : "close to the pattern typed";
            return new SerialExplanation(b.Select(c => new SerialCharacter(c, false)).ToList(), words);
        }
        if (kind == SerialMatchKind.Partial)
        {
            var at = b.IndexOf(SerialNormalizer.Canonicalize(a), StringComparison.Ordinal) is var i and >= 0 ? i : SerialNormalizer.Canonicalize(b).IndexOf(SerialNormalizer.Canonicalize(a), StringComparison.Ordinal);
            var marks = b.Select((c, j) => new SerialCharacter(c, at < 0 || j < at || j >= at + a.Length)).ToList();
            return new SerialExplanation(marks, "the characters typed are part of this serial; the highlighted ones were not typed");
        }
        if (a == b)
        {
            return new SerialExplanation(b.Select(c => new SerialCharacter(c, false)).ToList(),
                recorded.Trim().Equals(typed.Trim(), StringComparison.Ordinal) ? "the serial exactly as recorded" : "the same serial, written with other spaces, dashes or letter case");
        }
        return Align(a, b);
    }

    private static SerialExplanation Align(string a, string b)
    {
        // d[i, j]: the edits turning a[..i] into b[..j]; the back-trace yields the script.
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != a[i - 2])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        var differs = new bool[b.Length];
        var lookAlikes = new List<string>();
        var words = new List<string>();
        int missing = 0, extra = 0, swaps = 0;
        var other = new List<string>();
        for (int i = a.Length, j = b.Length; i > 0 || j > 0;)
        {
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && a[i - 1] != a[i - 2] && d[i, j] == d[i - 2, j - 2] + 1)
            {
                differs[j - 1] = differs[j - 2] = true;
                swaps++;
                i -= 2; j -= 2;
            }
            else if (i > 0 && j > 0 && d[i, j] == d[i - 1, j - 1] + (Same(a[i - 1], b[j - 1]) ? 0 : 1))
            {
                if (a[i - 1] != b[j - 1])
                {
                    differs[j - 1] = true;
                    (Same(a[i - 1], b[j - 1]) ? lookAlikes : other).Insert(0, $"{a[i - 1]} as {b[j - 1]}");
                }
                i--; j--;
            }
            else if (j > 0 && d[i, j] == d[i, j - 1] + 1)
            {
                differs[j - 1] = true;
                missing++;
                j--;
            }
            else
            {
                extra++;
                i--;
            }
        }
        if (lookAlikes.Count > 0) words.Add("read " + Join(lookAlikes.Distinct().ToList()) + " (characters that look alike)");
        if (other.Count > 0) words.Add("read " + Join(other.Distinct().ToList()));
        if (swaps > 0) words.Add(swaps == 1 ? "two characters swapped" : $"{swaps} pairs of characters swapped");
        if (missing > 0) words.Add(missing == 1 ? "one character missing" : $"{missing} characters missing");
        if (extra > 0) words.Add(extra == 1 ? "one character too many" : $"{extra} characters too many");
        return new SerialExplanation(b.Select((c, k) => new SerialCharacter(c, differs[k])).ToList(), Join(words));
    }

    private static bool Same(char x, char y) => x == y || SerialNormalizer.Canonicalize(x.ToString()) == SerialNormalizer.Canonicalize(y.ToString());

    private static string Join(IReadOnlyList<string> parts) => parts.Count switch
    {
        0 => "",
        1 => parts[0],
        _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
    };
}
