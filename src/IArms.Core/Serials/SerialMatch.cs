namespace IArms.Core.Serials;

/// <summary>How one record's serial matched a search.</summary>
/// <param name="Kind">The best rule that matched.</param>
/// <param name="Distance">The edit distance for <see cref="SerialMatchKind.Fuzzy"/>, the length
/// difference for <see cref="SerialMatchKind.Partial"/>, otherwise 0.</param>
/// <param name="Score">A 0–100 confidence for display; see <see cref="SerialMatcher"/> for the scale.</param>
public sealed record SerialMatch(SerialMatchKind Kind, int Distance, double Score)
{
    /// <summary>The score before make, calibre and type were taken into account.</summary>
    public double BaseScore { get; init; } = Score;

    /// <summary>How many of make, calibre and type agree with the search.</summary>
    public int AttributesAgreeing { get; init; }

    /// <summary>How many of make, calibre and type disagree with the search.</summary>
    public int AttributesDisagreeing { get; init; }
}
