using System.Collections.Frozen;
using System.Text;
using IArms.Core.Reference;
using IArms.Core.Serials;

namespace IArms.Core.Analysis;

/// <summary>
/// The comparison forms of a party's name, licence and country, so that the spellings different
/// agencies give one holder ("Waffen Müller GmbH", "MUELLER WAFFEN", "Müller, Waffen") compare equal.
/// </summary>
public static class PartyNames
{
    // Legal forms: they say how a business is registered, not which business it is, and agencies
    // drop or abbreviate them freely. Dotted forms ("S.p.A.", "S.A.R.L.") arrive merged by the
    // initials rule below. Deliberately short: "Arms", "Trading" or "Group" do tell businesses apart.
    private static readonly FrozenSet<string> LegalForms = FrozenSet.ToFrozenSet(
    [
        "ltd", "limited", "gmbh", "mbh", "llc", "llp", "lp", "inc", "incorporated", "sa", "sarl", "sas", "spa", "srl",
        "sl", "bv", "nv", "ag", "kg", "ooo", "oao", "zao", "ao", "pao", "co", "corp", "corporation", "company", "plc",
        "pty", "pvt", "pte", "ab", "as", "oy", "sro", "doo", "jsc", "kft", "ltda", "cia",
    ]);

    // Joining words that some agencies write and others leave out ("Smith & Sons", "Smith and Sons").
    private static readonly FrozenSet<string> Connectives = FrozenSet.ToFrozenSet(["and", "und", "et", "the", "of"]);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> LegalFormLookup =
        LegalForms.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> ConnectiveLookup =
        Connectives.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>
    /// The canonical key of a party name: lower case, diacritics folded, punctuation dropped, runs of
    /// single letters merged ("S.p.A." → "spa", "J. P." → "jp"), legal forms and connectives removed,
    /// and the remaining words sorted and joined by one space, so word order does not matter.
    /// </summary>
    /// <example>"Müller, Waffen GmbH" → "muller waffen"; "WAFFEN MÜLLER" → "muller waffen".</example>
    /// <returns>The key; empty for null or blank names. A name made only of legal forms keeps them.</returns>
    public static string CanonicalName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return string.Empty;
        }

        // Most names are ASCII: lower-casing them needs no folded copy of the string.
        var folded = Ascii.IsValid(name) ? name : ReferenceText.Fold(name);
        // Token boundaries as (start, length) over a scratch buffer: names have a handful of words,
        // so the stack holds them and only the key itself is allocated.
        Span<char> text = folded.Length <= 512 ? stackalloc char[folded.Length] : new char[folded.Length];
        Span<(int Start, int Length)> tokens = stackalloc (int, int)[Math.Min(64, folded.Length / 2 + 1)];
        var length = 0;
        var count = 0;
        var start = -1;
        var initials = -1;
        for (var i = 0; i <= folded.Length; i++)
        {
            var c = i < folded.Length ? char.ToLowerInvariant(folded[i]) : ' ';
            if (c == '\'' || (c >= '\u0300' && char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark))
            {
                // "O'Brien" and "OBrien" are one name; a combining accent (a name not in NFC) belongs
                // to its letter and must not split the word.
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (start < 0)
                {
                    start = length;
                }

                text[length++] = c;
                continue;
            }

            if (start < 0)
            {
                continue;
            }

            var tokenLength = length - start;
            if (tokenLength == 1 && initials >= 0)
            {
                // Another single letter: extend the run of initials in place.
                tokens[initials] = (tokens[initials].Start, tokens[initials].Length + 1);
            }
            else if (count < tokens.Length)
            {
                tokens[count] = (start, tokenLength);
                initials = tokenLength == 1 ? count : -1;
                count++;
            }

            start = -1;
        }

        // Drop connectives, then legal forms, unless that would leave nothing.
        count = Keep(text, tokens[..count], ConnectiveLookup);
        count = Keep(text, tokens[..count], LegalFormLookup);

        // Insertion sort: a name has few words, and it keeps this allocation-free.
        for (var i = 1; i < count; i++)
        {
            var current = tokens[i];
            var j = i - 1;
            while (j >= 0 && text.Slice(tokens[j].Start, tokens[j].Length).SequenceCompareTo(text.Slice(current.Start, current.Length)) > 0)
            {
                tokens[j + 1] = tokens[j];
                j--;
            }

            tokens[j + 1] = current;
        }

        var keyLength = count - 1;
        for (var i = 0; i < count; i++)
        {
            keyLength += tokens[i].Length;
        }

        Span<char> key = keyLength <= 512 ? stackalloc char[keyLength] : new char[keyLength];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                key[at++] = ' ';
            }

            text.Slice(tokens[i].Start, tokens[i].Length).CopyTo(key[at..]);
            at += tokens[i].Length;
        }

        return new string(key);
    }

    /// <summary>A licence number without case, spaces or punctuation ("fr-12 345" → "FR12345"); null when none is left.</summary>
    public static string? NormalizeLicence(string? licence)
    {
        var normalized = SerialNormalizer.Normalize(licence);
        return normalized.Length == 0 ? null : normalized;
    }

    /// <summary>An ISO country code trimmed and upper-cased; null when blank.</summary>
    public static string? NormalizeCountry(string? country)
    {
        if (string.IsNullOrWhiteSpace(country))
        {
            return null;
        }

        var trimmed = country.Trim();
        foreach (var c in trimmed)
        {
            if (c is >= 'a' and <= 'z')
            {
                return trimmed.ToUpperInvariant();
            }
        }

        return trimmed;
    }

    /// <summary>Removes tokens found in <paramref name="words"/> unless every token is one; returns the new count.</summary>
    private static int Keep(ReadOnlySpan<char> text, Span<(int Start, int Length)> tokens, FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> words)
    {
        var kept = 0;
        foreach (var t in tokens)
        {
            if (!words.Contains(text.Slice(t.Start, t.Length)))
            {
                kept++;
            }
        }

        if (kept == 0)
        {
            return tokens.Length;
        }

        var at = 0;
        foreach (var t in tokens)
        {
            if (!words.Contains(text.Slice(t.Start, t.Length)))
            {
                tokens[at++] = t;
            }
        }

        return at;
    }
}
