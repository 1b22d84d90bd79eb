namespace IArms.Core.Reference;

/// <summary>How traceable a record is from its identifying data.</summary>
/// <param name="Score">0 (untraceable) to 100 (every identifying field present and recognised).</param>
/// <param name="Issues">Stable kebab-case codes, in a fixed order; empty for a perfect record.</param>
public sealed record DataQualityReport(int Score, IReadOnlyList<string> Issues);
