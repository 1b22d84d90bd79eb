namespace IArms.Core.Tracing;

/// <summary>One step in a firearm's life as one agency recorded it.</summary>
/// <param name="Id">Unique within the firearm's chain.</param>
/// <param name="Type">What happened.</param>
/// <param name="Date">When it happened (not when it was recorded).</param>
/// <param name="FromParty">Who handed the weapon over; null when unknown or not applicable.</param>
/// <param name="ToParty">Who holds the weapon after the event; null when unknown or not applicable.</param>
/// <param name="CountryCode">Where the event happened, ISO 3166-1 alpha-2.</param>
/// <param name="Place">Free-text place.</param>
/// <param name="DocumentReference">Invoice, register entry or case number behind the event.</param>
/// <param name="Notes">Free text.</param>
/// <param name="Authorization">The licence, permit or certificate the event took place under.</param>
/// <param name="Source">Code of the agency that supplied the event.</param>
/// <param name="RecordedAt">When the event was recorded; only used to order same-day events deterministically.</param>
public sealed record CustodyEvent(
    string Id,
    CustodyEventType Type,
    DateOnly Date,
    Party? FromParty,
    Party? ToParty,
    string? CountryCode,
    string? Place,
    string? DocumentReference,
    string? Notes,
    Authorization? Authorization,
    string Source,
    DateTimeOffset RecordedAt);
