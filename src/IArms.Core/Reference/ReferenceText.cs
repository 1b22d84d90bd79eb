using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace IArms.Core.Reference;

/// <summary>
/// Turns a make or calibre as typed by a person into the key used to compare it with the
/// reference table. Two spellings with the same key are treated as the same name.
/// </summary>
/// <remarks>
/// The key is compact (no spaces) because officers type "Hi-Point", "Hi Point" and "HiPoint",
/// "9 x 19" and "9x19" interchangeably; the words that survive normalisation are distinctive
/// enough that gluing them together does not make different names collide (the seed test checks
/// this for the whole table).
/// </remarks>
public static partial class ReferenceText
{
    // Legal forms and corporate filler: "Colt's Manufacturing Company" and "Colt" are the same
    // maker, so these words never distinguish one manufacturer from another. Abbreviations
    // written with dots ("S.p.A.", "a.s.", "Sp. z o.o.") arrive here already merged ("spa", "as",
    // "sp" + "zoo") by MergeInitials. "Arms", "Armory" and "Industries" are deliberately absent:
    // they are part of names people type ("Charter Arms", "Springfield Armory",
    // "Israel Weapon Industries"), and dropping them would make "Arms Corporation of the
    // Philippines" collapse to "philippines".
    private static readonly FrozenSet<string> MakeNoiseWords = FrozenSet.ToFrozenSet(
    [
        "gmbh", "mbh", "gesmbh", "ges", "ag", "kg", "kgaa", "ohg", "ug", "se",
        "spa", "sapa", "srl", "sas", "snc", "sa", "sarl", "sl", "slu", "sau", "cv",
        "inc", "incorporated", "corp", "corporation", "co", "company", "cia", "compania", "companhia",
        "llc", "llp", "lp", "ltd", "ltda", "limited", "plc", "pty", "pvt", "pte",
        "bv", "nv", "ab", "as", "asa", "oy", "oyj", "aps",
        "sro", "doo", "dd", "ad", "ead", "jsc", "ojsc", "cjsc", "pjsc", "oao", "zao", "pao", "ooo", "ao",
        "kft", "zrt", "rt", "nyrt", "sp", "zoo", "bhd", "sdn", "pt", "tbk", "kk",
        "manufacturing", "mfg", "manufacturer", "manufacturers",
    ]);

    // Connectives between the words of a name ("Smith & Wesson", "Heckler und Koch",
    // "Fabrique Nationale de Herstal"): present or not, the name is the same.
    private static readonly FrozenSet<string> MakeConnectives = FrozenSet.ToFrozenSet(
    [
        "and", "und", "et", "y", "es", "of", "the", "de", "des", "du", "di", "da", "del", "della",
    ]);

    /// <summary>The comparison key for <paramref name="text"/> under the rules of <paramref name="kind"/>.</summary>
    public static string Normalize(ReferenceKind kind, string? text) => kind switch
    {
        ReferenceKind.Make => NormalizeMake(text),
        ReferenceKind.Calibre => NormalizeCalibre(text),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown reference kind."),
    };

    /// <summary>
    /// The comparison key of a manufacturer's name: case-folded, diacritics removed, punctuation
    /// and spaces dropped, possessive "'s" and elided "d'"/"l'" dropped, and company-form words
    /// (GmbH, S.p.A., Inc., Co., Manufacturing, ...) ignored wherever they stand.
    /// </summary>
    /// <example>"Colt's Manufacturing Co." → "colt"; "Heckler und Koch GmbH" → "hecklerkoch".</example>
    /// <returns>The key; empty for null or blank text.</returns>
    public static string NormalizeMake(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var tokens = MergeInitials(MakeTokens(Fold(text)));
        var named = tokens.Where(t => !MakeConnectives.Contains(t)).ToList();
        if (named.Count == 0)
        {
            named = tokens;
        }

        var distinctive = named.Where(t => !MakeNoiseWords.Contains(t)).ToList();
        // A name made only of filler ("The Company", "AO") is still a name; keep it rather than
        // returning an empty key that would match nothing.
        return string.Concat(distinctive.Count > 0 ? distinctive : named);
    }

    /// <summary>
    /// The comparison key of a calibre designation: case-folded, "×" read as "x", decimal comma
    /// read as a point, the leading point of inch calibres dropped (".45 ACP" = "45 ACP"), spaces
    /// and punctuation dropped, "mm" after a bore-by-case designation dropped ("9x19mm" = "9x19"),
    /// gauge words unified ("12 gauge" = "12 ga" = "12 bore"), and the words "cal.", "calibre",
    /// "caliber" ignored. Names such as "Luger" and "Parabellum" are left to the aliases.
    /// </summary>
    /// <example>"Cal. .45 ACP" → "45acp"; "7,62 × 54 mmR" → "7.62x54r"; "12 Gauge" → "12ga".</example>
    /// <returns>The key; empty for null or blank text.</returns>
    public static string NormalizeCalibre(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var folded = Fold(text);
        folded = DecimalComma().Replace(folded, "$1.$2");
        folded = CalibreWord().Replace(folded, " ");
        folded = GaugeWord().Replace(folded, "$1ga ");

        var sb = new StringBuilder(folded.Length);
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (char.IsAsciiLetterOrDigit(c) || (char.IsLetterOrDigit(c) && c > 127))
            {
                sb.Append(c);
            }
            else if ((c == '.' || c == '/') && i > 0 && i + 1 < folded.Length
                     && char.IsAsciiDigit(folded[i - 1]) && char.IsAsciiDigit(folded[i + 1]))
            {
                // Only a point between digits is a decimal point; a leading one (".45") or one
                // in an abbreviation ("L.R.") carries no meaning. "12/70" keeps its slash so
                // that it cannot read as the number 1270.
                sb.Append(c);
            }
        }

        return MillimetreAfterCase().Replace(sb.ToString(), "$1x$2");
    }

    /// <summary>Lower-cases and strips diacritics, mapping letters without a decomposition (ß, ø, ł, æ) to their usual Latin spelling.</summary>
    internal static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c < 128)
            {
                sb.Append(char.ToLowerInvariant(c));
            }
            else if (FoldMap.TryGetValue(c, out var replacement))
            {
                sb.Append(replacement);
            }
            else
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static List<string> MakeTokens(string folded)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
                continue;
            }

            if (c == '\'')
            {
                var next = i + 1 < folded.Length ? folded[i + 1] : ' ';
                var afterNext = i + 2 < folded.Length ? folded[i + 2] : ' ';
                if (next == 's' && !char.IsLetterOrDigit(afterNext) && current.Length > 0)
                {
                    // Possessive: "Colt's" is Colt.
                    i++;
                    continue;
                }

                if (current.Length == 1 && (current[0] == 'd' || current[0] == 'l') && char.IsLetter(next))
                {
                    // Elided article: "d'Herstal" is Herstal, as in "de Herstal".
                    current.Clear();
                    continue;
                }

                // An apostrophe inside a word ("Ta'as") does not split it.
                continue;
            }

            Flush(tokens, current);
        }

        Flush(tokens, current);
        return tokens;
    }

    // "S.p.A.", "H & K", "a.s." reach here as runs of one-letter tokens; joining each run turns
    // them back into the abbreviation so the noise list can recognise it.
    private static List<string> MergeInitials(List<string> tokens)
    {
        var merged = new List<string>(tokens.Count);
        var run = new StringBuilder();
        foreach (var token in tokens)
        {
            if (token.Length == 1)
            {
                run.Append(token);
                continue;
            }

            Flush(merged, run);
            merged.Add(token);
        }

        Flush(merged, run);
        return merged;
    }

    private static void Flush(List<string> tokens, StringBuilder current)
    {
        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
            current.Clear();
        }
    }

    private static readonly FrozenDictionary<char, string> FoldMap = BuildFoldMap();

    private static FrozenDictionary<char, string> BuildFoldMap()
    {
        // The Latin letters found in manufacturers' names are listed by hand rather than decomposed by
        // the platform's normaliser, so that resolution never changes with the host's ICU version.
        (string Letters, string Ascii)[] groups =
        [
            ("àáâãäåāăą", "a"), ("çćĉċč", "c"), ("ďđð", "d"), ("èéêëēĕėęě", "e"),
            ("ĝğġģ", "g"), ("ĥħ", "h"), ("ìíîïĩīĭįı", "i"), ("ĵ", "j"), ("ķ", "k"),
            ("ĺļľŀł", "l"), ("ñńņňŉ", "n"), ("òóôõöøōŏő", "o"), ("ŕŗř", "r"),
            ("śŝşšș", "s"), ("ţťŧț", "t"), ("ùúûüũūŭůűų", "u"), ("ŵ", "w"), ("ýÿŷ", "y"),
            ("źżž", "z"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("þ", "th"), ("ĳ", "ij"),
            ("×", "x"), ("’‘`´ʼ", "'"),
        ];

        var map = new Dictionary<char, string>();
        foreach (var (letters, ascii) in groups)
        {
            foreach (var lower in letters)
            {
                map[lower] = ascii;
                var upper = char.ToUpperInvariant(lower);
                if (upper != lower)
                {
                    map.TryAdd(upper, ascii);
                }
            }
        }

        // Capitals whose lower case is not a simple one-to-one mapping.
        map['İ'] = "i";
        map['Ÿ'] = "y";
        map['ẞ'] = "ss";
        return map.ToFrozenDictionary();
    }

    [GeneratedRegex(@"(\d),(\d)", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalComma();

    [GeneratedRegex(@"\b(?:calibre|caliber|kaliber|cal|kal)\b\.?", RegexOptions.CultureInvariant)]
    private static partial Regex CalibreWord();

    [GeneratedRegex(@"(\d+)\s*-?\s*(?:gauge|gage|ga|bore)\b", RegexOptions.CultureInvariant)]
    private static partial Regex GaugeWord();

    [GeneratedRegex(@"(\d)x(\d+(?:\.\d+)?)mm", RegexOptions.CultureInvariant)]
    private static partial Regex MillimetreAfterCase();
}
