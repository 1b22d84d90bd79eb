namespace IArms.Core.Reference;

/// <summary>
/// One row of a reference table (a manufacturer or a calibre): the name every record should use,
/// and the other spellings that mean the same thing.
/// </summary>
/// <param name="Id">Stable identifier from the reference tables.</param>
/// <param name="CanonicalName">The one name shown and stored for this entry.</param>
/// <param name="CountryCode">ISO 3166-1 alpha-2 country of a manufacturer; null for calibres.</param>
/// <param name="Aliases">Other names, abbreviations, historical names and transliterations.</param>
public sealed record ReferenceEntry(long Id, string CanonicalName, string? CountryCode, IReadOnlyList<string> Aliases);
