namespace IArms.Core.Reference;

/// <summary>
/// Small string-similarity functions for matching misspelt reference names (edit distance is
/// <see cref="Serials.DamerauLevenshtein"/>, shared with serial matching).
/// </summary>
internal static class StringSimilarity
{
    /// <summary>
    /// Jaro-Winkler similarity in [0, 1]: rewards shared characters in roughly the same order,
    /// and a shared prefix of up to four characters, which suits names whose typos come late.
    /// </summary>
    public static double JaroWinkler(string a, string b)
    {
        if (a.Length == 0 && b.Length == 0)
        {
            return 1;
        }

        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        var window = Math.Max(0, (Math.Max(a.Length, b.Length) / 2) - 1);
        Span<bool> aMatched = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> bMatched = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (!bMatched[j] && a[i] == b[j])
                {
                    aMatched[i] = true;
                    bMatched[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var halfTranspositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!aMatched[i])
            {
                continue;
            }

            while (!bMatched[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                halfTranspositions++;
            }

            k++;
        }

        double m = matches;
        var jaro = ((m / a.Length) + (m / b.Length) + ((m - (halfTranspositions / 2.0)) / m)) / 3;
        var prefix = 0;
        while (prefix < 4 && prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + (prefix * 0.1 * (1 - jaro));
    }

    /// <summary>Collapses runs of the same character ("berretta" → "bereta"), because doubled letters are the commonest slip in names.</summary>
    public static string CollapseRepeats(string s)
    {
        Span<char> buffer = s.Length <= 256 ? stackalloc char[s.Length] : new char[s.Length];
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (i == 0 || s[i] != s[i - 1])
            {
                buffer[n++] = s[i];
            }
        }

        return n == s.Length ? s : new string(buffer[..n]);
    }

    /// <summary>The digits of <paramref name="s"/> in order; two calibres (or makes) whose numbers differ are never the same.</summary>
    public static string Digits(string s)
    {
        var count = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }

        if (count == 0)
        {
            return string.Empty;
        }

        return string.Create(count, s, static (span, source) =>
        {
            var n = 0;
            foreach (var c in source)
            {
                if (char.IsAsciiDigit(c))
                {
                    span[n++] = c;
                }
            }
        });
    }

    /// <summary>
    /// One bit per distinct character (letters and digits share 64 buckets), for a cheap lower
    /// bound on the edit distance between two strings.
    /// </summary>
    public static ulong CharacterMask(string s)
    {
        var mask = 0UL;
        foreach (var c in s)
        {
            mask |= 1UL << (c % 64);
        }

        return mask;
    }
}
