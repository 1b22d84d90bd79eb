using System.Diagnostics.CodeAnalysis;

namespace IArms.Core.Serials;

/// <summary>
/// A serial-number query in which <c>?</c> stands for one unreadable character and <c>*</c> for a
/// run (possibly empty) of them, as an officer types it for a partly obliterated serial.
/// </summary>
/// <remarks>
/// Created only by <see cref="TryParse"/>, so every instance holds at least
/// <see cref="MinimumKnownCharacters"/> readable characters and at most <see cref="MaximumLength"/> characters.
/// </remarks>
public sealed record SerialPattern
{
    /// <summary>Fewer readable characters than this would match a large part of any register.</summary>
    public const int MinimumKnownCharacters = 3;

    /// <summary>The longest accepted pattern, wildcards included, after normalisation.</summary>
    public const int MaximumLength = 64;

    /// <summary>The message returned when too few characters are readable.</summary>
    public const string TooFewKnownCharactersError = "The serial number must contain at least 3 readable characters.";

    /// <summary>The message returned when the pattern is too long.</summary>
    public const string TooLongError = "The serial number must be at most 64 characters long.";

    private SerialPattern(string normalized, string canonical, int knownCharacters, int stars)
    {
        Normalized = normalized;
        Canonical = canonical;
        KnownCharacters = knownCharacters;
        HasWildcards = knownCharacters != normalized.Length;
        IsFixedLength = stars == 0;
        MinimumLength = normalized.Length - stars;
    }

    /// <summary>The normalised pattern with its wildcards, e.g. <c>AB?12*</c>.</summary>
    public string Normalized { get; }

    /// <summary>The canonical pattern with its wildcards, e.g. <c>A8?12*</c>.</summary>
    public string Canonical { get; }

    /// <summary>How many characters are not wildcards.</summary>
    public int KnownCharacters { get; }

    /// <summary>Whether the pattern holds a <c>?</c> or a <c>*</c>.</summary>
    public bool HasWildcards { get; }

    /// <summary>Whether every match has the pattern's own length (there is no <c>*</c>).</summary>
    public bool IsFixedLength { get; }

    /// <summary>The length of the shortest serial the pattern can match.</summary>
    public int MinimumLength { get; }

    /// <summary>
    /// Parses a query: characters are normalised as by <see cref="SerialNormalizer.Normalize"/>,
    /// except that <c>?</c> and <c>*</c> are kept as wildcards and a run of <c>*</c> becomes one.
    /// </summary>
    public static bool TryParse(
        string? raw,
        [NotNullWhen(true)] out SerialPattern? pattern,
        [NotNullWhen(false)] out string? error)
    {
        pattern = null;
        raw ??= string.Empty;

        // A longer raw string may still be short once spacing is gone, so the length is checked
        // after normalising; the buffer only has to hold one char more than the limit to notice.
        Span<char> normalized = stackalloc char[MaximumLength + 1];
        var length = 0;
        var known = 0;
        var stars = 0;
        foreach (var c in raw)
        {
            var mapped = c switch
            {
                '?' or '\uFF1F' => '?',
                '*' or '\uFF0A' => '*',
                _ => SerialNormalizer.ToSerialChar(c),
            };
            if (mapped == '\0' || (mapped == '*' && length > 0 && normalized[length - 1] == '*'))
            {
                continue;
            }

            if (length == normalized.Length)
            {
                error = TooLongError;
                return false;
            }

            normalized[length++] = mapped;
            if (mapped == '*')
            {
                stars++;
            }
            else if (mapped != '?')
            {
                known++;
            }
        }

        if (known < MinimumKnownCharacters)
        {
            error = TooFewKnownCharactersError;
            return false;
        }

        if (length > MaximumLength)
        {
            error = TooLongError;
            return false;
        }

        Span<char> canonical = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            var c = normalized[i];
            canonical[i] = c is '?' or '*' ? c : SerialNormalizer.FoldLookAlike(c);
        }

        pattern = new SerialPattern(new string(normalized[..length]), new string(canonical), known, stars);
        error = null;
        return true;
    }

    /// <summary>Whether the whole canonical serial matches the canonical pattern.</summary>
    public bool Matches(string? canonicalSerial) =>
        canonicalSerial is not null && GlobMatch(Canonical, canonicalSerial);

    /// <summary>
    /// Greedy glob matching that backtracks only to the last <c>*</c>: when a later literal fails,
    /// letting the latest star absorb one more character is enough, because an earlier star could
    /// only shift characters the latest one can absorb too. Worst case O(|pattern|·|serial|), no allocation.
    /// </summary>
    internal static bool GlobMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        var p = 0;
        var t = 0;
        var star = -1;
        var resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
