namespace IArms.Core.Tracing;

/// <summary>
/// Decides whether two party records name the same holder. Agencies type names differently and
/// classify the same business differently (a dealer to one is a company to another), so only
/// the name (ignoring case and whitespace) and, when both sides give one, the country count.
/// </summary>
internal static class PartyIdentity
{
    /// <summary>A party with no usable name, or of kind unknown, tells us nothing about who holds the weapon.</summary>
    public static bool IsIdentified(Party? party) =>
        party is not null && party.Kind != PartyKind.Unknown && !string.IsNullOrWhiteSpace(party.Name);

    public static bool Same(Party? x, Party? y)
    {
        if (x is null || y is null)
        {
            return x is null && y is null;
        }

        return SameName(x.Name, y.Name) && SameCountryIfBothKnown(x.CountryCode, y.CountryCode);
    }

    public static bool SameCountry(string? x, string? y) =>
        string.Equals(x?.Trim(), y?.Trim(), StringComparison.OrdinalIgnoreCase);

    public static bool HasCountry(string? code) => !string.IsNullOrWhiteSpace(code);

    private static bool SameCountryIfBothKnown(string? x, string? y) =>
        !HasCountry(x) || !HasCountry(y) || SameCountry(x, y);

    // Walks both names skipping whitespace instead of normalising into new strings, because
    // this runs once per event and the analysis is meant to allocate little.
    private static bool SameName(string? x, string? y)
    {
        x ??= string.Empty;
        y ??= string.Empty;
        int i = 0, j = 0;
        while (true)
        {
            while (i < x.Length && char.IsWhiteSpace(x[i]))
            {
                i++;
            }

            while (j < y.Length && char.IsWhiteSpace(y[j]))
            {
                j++;
            }

            if (i == x.Length || j == y.Length)
            {
                return i == x.Length && j == y.Length;
            }

            if (char.ToUpperInvariant(x[i]) != char.ToUpperInvariant(y[j]))
            {
                return false;
            }

            i++;
            j++;
        }
    }
}
