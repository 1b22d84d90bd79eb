using System.Buffers;

namespace IArms.Core.Serials;

/// <summary>
/// Turns a serial number as typed or printed into the forms that searching compares:
/// the <em>normalised</em> serial (upper-case ASCII letters and digits only) and the
/// <em>canonical</em> serial (normalised, with look-alike characters folded together).
/// </summary>
/// <remarks>
/// Diacritics are removed with a small fixed table rather than the platform's normaliser, so
/// that stored index keys stay stable: they must not change when the host's ICU version does.
/// </remarks>
public static class SerialNormalizer
{
    /// <summary>Every character a canonical serial can contain.</summary>
    public const string CanonicalAlphabet = "0123456789ACEFHJKMNPRTUVWXY";

    // U+00C0..U+00FF; '.' drops the character (Æ, ×, Þ, ß, ÷, þ have no single ASCII twin).
    private const string Latin1Fold =
        "AAAAAA.CEEEEIIII" + "DNOOOOO.OUUUUY.." +
        "AAAAAA.CEEEEIIII" + "DNOOOOO.OUUUUY.Y";

    // U+0100..U+017F, in code-point order; the ligatures Ĳ and Œ are dropped.
    private const string LatinExtendedAFold =
        "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIII..JJKKK" +
        "LLLLLLLLLLNNNNNNNNNOOOOOO..RRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";

    /// <summary>
    /// Upper-cases, strips diacritics, maps full-width forms and the Cyrillic and Greek capitals
    /// that look like Latin ones, and drops every other character that is not an ASCII letter or digit.
    /// </summary>
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return string.Empty;
        }

        if (IsNormalized(raw))
        {
            // Most stored serials are already clean; returning the same instance avoids an allocation.
            return raw;
        }

        return Fold(raw, ToSerialChar);
    }

    /// <summary>
    /// Folds look-alikes in a normalised serial: O, Q, D → 0; I, L → 1; Z → 2; S → 5; B → 8; G → 6.
    /// Characters outside A–Z and 0–9 are dropped, so the result only holds <see cref="CanonicalAlphabet"/>.
    /// </summary>
    public static string Canonicalize(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var changes = false;
        foreach (var c in normalized)
        {
            if (FoldLookAlike(c) != c)
            {
                changes = true;
                break;
            }
        }

        if (!changes)
        {
            return normalized;
        }

        return Fold(normalized, FoldLookAlike);
    }

    /// <summary>Maps every character, dropping those mapped to '\0', without a heap buffer for serial-sized input.</summary>
    private static string Fold(string input, Func<char, char> map)
    {
        char[]? rented = null;
        Span<char> buffer = input.Length <= 256
            ? stackalloc char[input.Length]
            : (rented = ArrayPool<char>.Shared.Rent(input.Length));
        var length = 0;
        foreach (var c in input)
        {
            var folded = map(c);
            if (folded != '\0')
            {
                buffer[length++] = folded;
            }
        }

        var result = new string(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>The canonical serial of a raw one: <c>Canonicalize(Normalize(raw))</c>.</summary>
    /// <summary>A canonical serial backwards: stored so that a known ending can be found by a prefix range.</summary>
    public static string Reversed(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        return string.Create(canonical.Length, canonical, static (span, s) =>
        {
            s.AsSpan().CopyTo(span);
            span.Reverse();
        });
    }

    public static string Canonical(string? raw) => Canonicalize(Normalize(raw));

    /// <summary>
    /// The normalised form of one character, or <c>'\0'</c> when it is dropped.
    /// Every character maps to at most one, so normalising never lengthens a string.
    /// </summary>
    internal static char ToSerialChar(char c)
    {
        if (c < 0x80)
        {
            return c switch
            {
                >= 'A' and <= 'Z' or >= '0' and <= '9' => c,
                >= 'a' and <= 'z' => (char)(c - ('a' - 'A')),
                _ => '\0',
            };
        }

        if (c is >= '\u00C0' and <= '\u00FF')
        {
            return Dot(Latin1Fold[c - 0xC0]);
        }

        if (c is >= '\u0100' and <= '\u017F')
        {
            return Dot(LatinExtendedAFold[c - 0x100]);
        }

        // Full-width forms come from East Asian keyboards and OCR of documents set in them.
        if (c is >= '\uFF10' and <= '\uFF19')
        {
            return (char)('0' + (c - 0xFF10));
        }

        if (c is >= '\uFF21' and <= '\uFF3A')
        {
            return (char)('A' + (c - 0xFF21));
        }

        if (c is >= '\uFF41' and <= '\uFF5A')
        {
            return (char)('A' + (c - 0xFF41));
        }

        // An officer on a Cyrillic or Greek keyboard types "АК" for AK; without this the letters would vanish.
        return char.ToUpperInvariant(c) switch
        {
            'А' or 'Α' => 'A',
            'В' or 'Β' => 'B',
            'С' => 'C',
            'Е' or 'Ё' or 'Ε' => 'E',
            'Н' or 'Η' => 'H',
            'І' or 'Ι' => 'I',
            'Ј' => 'J',
            'К' or 'Κ' => 'K',
            'М' or 'Μ' => 'M',
            'Ν' => 'N',
            'О' or 'Ο' => 'O',
            'Р' or 'Ρ' => 'P',
            'Ѕ' => 'S',
            'Т' or 'Τ' => 'T',
            'У' or 'Υ' => 'Y',
            'Х' or 'Χ' => 'X',
            'Ζ' => 'Z',
            _ => '\0',
        };

        static char Dot(char folded) => folded == '.' ? '\0' : folded;
    }

    /// <summary>
    /// The canonical form of one normalised character, or <c>'\0'</c> for a character that
    /// cannot occur in a normalised serial.
    /// </summary>
    internal static char FoldLookAlike(char c) => c switch
    {
        'O' or 'Q' or 'D' => '0',
        'I' or 'L' => '1',
        'Z' => '2',
        'S' => '5',
        'B' => '8',
        'G' => '6',
        >= 'A' and <= 'Z' or >= '0' and <= '9' => c,
        >= 'a' and <= 'z' => FoldLookAlike((char)(c - ('a' - 'A'))),
        _ => '\0',
    };

    internal static int Latin1FoldLength => Latin1Fold.Length;

    internal static int LatinExtendedAFoldLength => LatinExtendedAFold.Length;

    private static bool IsNormalized(string s)
    {
        foreach (var c in s)
        {
            if (c is not (>= 'A' and <= 'Z' or >= '0' and <= '9'))
            {
                return false;
            }
        }

        return true;
    }
}
