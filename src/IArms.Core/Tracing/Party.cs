namespace IArms.Core.Tracing;

/// <summary>A holder or counterparty in a custody event.</summary>
/// <param name="Name">As the reporting agency wrote it; compared case- and whitespace-insensitively.</param>
/// <param name="Kind">What sort of party it is.</param>
/// <param name="CountryCode">ISO 3166-1 alpha-2, when known.</param>
/// <param name="Licence">The party's dealer or holder licence number, when known.</param>
public sealed record Party(string Name, PartyKind Kind, string? CountryCode, string? Licence);
