using System.Globalization;

namespace IArms.Core;

/// <summary>How much of the invisible part of Unicode a text field may carry.</summary>
public enum TextKind
{
    /// <summary>A serial, a code, a name, a reference: one line of visible characters.</summary>
    Identifier,

    /// <summary>Notes and messages: may also break lines, tab, and join letters (ZWNJ, ZWJ) as Persian or Indic scripts need.</summary>
    FreeText,
}

/// <summary>
/// The characters a stored text must not contain. Control characters (C0, DEL, C1) carry terminal
/// escapes into an analyst's console or a CSV export; format characters (bidi overrides and isolates,
/// zero-width spaces, soft hyphens) make a serial or a case reference read differently from what is
/// stored and compared. Both are refused rather than stripped, so that what a police system sent is
/// exactly what another one reads back.
/// </summary>
public static class SafeText
{
    /// <summary>The index of the first character <paramref name="kind"/> forbids, or -1 when there is none.</summary>
    public static int IndexOfForbidden(string text, TextKind kind)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // A pair is one character outside the BMP; the only format characters there are tags and
                // shorthand controls (U+E0001.., U+1BCA0..), as invisible as the ones below.
                if (CharUnicodeInfo.GetUnicodeCategory(text, i) == UnicodeCategory.Format)
                {
                    return i;
                }
                i++;
                continue;
            }
            if (IsForbidden(c, kind))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>True when the text holds none of the characters <paramref name="kind"/> forbids.</summary>
    public static bool IsSafe(string? text, TextKind kind) => text is null || IndexOfForbidden(text, kind) < 0;

    /// <summary>The first forbidden character as a client can look it up (<c>U+202E</c>), or null when the text is safe.</summary>
    public static string? DescribeForbidden(string? text, TextKind kind)
    {
        var at = text is null ? -1 : IndexOfForbidden(text, kind);
        if (at < 0)
        {
            return null;
        }
        var code = char.IsSurrogatePair(text!, at) ? char.ConvertToUtf32(text!, at) : text![at];
        return $"U+{code:X4}";
    }

    private static bool IsForbidden(char c, TextKind kind)
    {
        if (kind == TextKind.FreeText && c is '\n' or '\r' or '\t' or '\u200C' or '\u200D')
        {
            return false;
        }
        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.Control => true,            // C0, DEL, C1
            UnicodeCategory.Format => true,             // bidi controls, zero-width characters, BOM, soft hyphen
            UnicodeCategory.Surrogate => true,          // a lone half of a pair: not a character at all
            UnicodeCategory.LineSeparator => true,      // U+2028 and U+2029 break lines that \n does not show
            UnicodeCategory.ParagraphSeparator => true,
            _ => false,
        };
    }
}
