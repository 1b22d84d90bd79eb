namespace IArms.Core.Serials;

/// <summary>How a record's serial matched a search, best first; the API writes the names in lower case.</summary>
public enum SerialMatchKind
{
    /// <summary>The serial as entered equals the query, ignoring case and surrounding whitespace.</summary>
    Exact,

    /// <summary>The normalised serials are equal (spacing, punctuation, case, diacritics differ).</summary>
    Normalized,

    /// <summary>The canonical serials are equal (look-alike characters such as O and 0 differ).</summary>
    Confusable,

    /// <summary>The query holds <c>?</c> or <c>*</c> and its pattern matches the canonical serial.</summary>
    Wildcard,

    /// <summary>One canonical serial is a contiguous part of the other.</summary>
    Partial,

    /// <summary>The canonical serials are within the fuzzy edit-distance threshold.</summary>
    Fuzzy,
}

/// <summary>How a record's make, calibre or type compares with the one given in the search.</summary>
public enum AttributeAgreement
{
    /// <summary>The search or the record does not give the attribute.</summary>
    NotGiven,

    /// <summary>Both give it and they agree (after the reference table's aliases).</summary>
    Agrees,

    /// <summary>Both give it and they differ.</summary>
    Disagrees,
}
