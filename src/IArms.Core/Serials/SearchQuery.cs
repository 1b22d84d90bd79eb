using System.Diagnostics.CodeAnalysis;

namespace IArms.Core.Serials;

/// <summary>A validated serial-number search, parsed once and compared with many records.</summary>
public sealed record SearchQuery
{
    private SearchQuery(string raw, SerialPattern pattern)
    {
        Raw = raw;
        Pattern = pattern;
    }

    /// <summary>The serial number exactly as the user typed it.</summary>
    public string Raw { get; }

    /// <summary>The parsed pattern; without wildcards it is just the serial.</summary>
    public SerialPattern Pattern { get; }

    /// <summary>The normalised query, wildcards kept (the response's <c>normalizedSerial</c>).</summary>
    public string Normalized => Pattern.Normalized;

    /// <summary>The canonical query, wildcards kept.</summary>
    public string Canonical => Pattern.Canonical;

    /// <summary>Whether the query holds <c>?</c> or <c>*</c>.</summary>
    public bool HasWildcards => Pattern.HasWildcards;

    /// <summary>
    /// Validates and parses a query; <paramref name="error"/> is a message for the user, suitable
    /// for the <c>serialNumber</c> entry of a validation problem.
    /// </summary>
    public static bool TryCreate(
        string? rawSerial,
        [NotNullWhen(true)] out SearchQuery? query,
        [NotNullWhen(false)] out string? error)
    {
        if (!SerialPattern.TryParse(rawSerial, out var pattern, out error))
        {
            query = null;
            return false;
        }

        query = new SearchQuery(rawSerial!, pattern);
        return true;
    }
}
