namespace IArms.Core.Reference;

/// <summary>How free text was matched to a reference entry.</summary>
public enum ResolutionMethod
{
    /// <summary>No entry matched (or the text was empty, or the best fuzzy match was ambiguous).</summary>
    Unknown,

    /// <summary>The text normalises to the entry's canonical name.</summary>
    Exact,

    /// <summary>The text normalises to one of the entry's curated aliases.</summary>
    Alias,

    /// <summary>The text is a close misspelling of a name of exactly one entry.</summary>
    Fuzzy,
}
