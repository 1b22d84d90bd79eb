namespace IArms.Core.Reference;

/// <summary>The outcome of resolving free text against a reference table.</summary>
/// <param name="Entry">The matched entry, or null when <paramref name="Method"/> is <see cref="ResolutionMethod.Unknown"/>.</param>
/// <param name="Method">How the entry was found.</param>
/// <param name="Confidence">1.0 for exact and alias matches, the similarity (below 1) for fuzzy ones, 0 when unknown.</param>
public sealed record Resolution(ReferenceEntry? Entry, ResolutionMethod Method, double Confidence)
{
    /// <summary>The answer for text that matches nothing.</summary>
    public static Resolution Unknown { get; } = new(null, ResolutionMethod.Unknown, 0);

    /// <summary>True when an entry was found.</summary>
    public bool IsResolved => Entry is not null;
}
