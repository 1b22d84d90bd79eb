namespace IArms.Core.Tracing;

/// <summary>
/// Maps the tracing enums to and from their kebab-case wire names (<c>reported-stolen</c>,
/// <c>state-stockpile</c>, ...). Parsing is ordinal and case-sensitive: the contract spells the
/// names in lower case, and accepting variants would let two spellings of one value into stored
/// events.
/// </summary>
public static class CustodyVocabulary
{
    private static readonly string[] EventTypeNames =
    [
        "manufactured", "exported", "imported", "transferred", "sold", "assigned",
        "reported-lost", "reported-stolen", "seized", "recovered", "destroyed", "deactivated",
    ];

    private static readonly string[] PartyKindNames =
    [
        "manufacturer", "distributor", "dealer", "importer", "exporter", "state-stockpile",
        "military", "police", "private-person", "company", "unknown",
    ];

    private static readonly string[] AuthorizationKindNames =
    [
        "export-licence", "import-licence", "end-user-certificate", "transfer-permit",
    ];

    private static readonly string[] DiversionReasonNames =
    [
        "theft", "loss", "unauthorized-re-export", "unauthorized-transfer", "post-custody-gap",
    ];

    private static readonly string[] ConfidenceNames = ["high", "medium", "low"];

    private static readonly string[] GapKindNames = ["custody-discontinuity", "silence"];

    /// <summary>Every event type's wire name, in natural order.</summary>
    public static IReadOnlyList<string> EventTypes => EventTypeNames;

    /// <summary>Every party kind's wire name.</summary>
    public static IReadOnlyList<string> PartyKinds => PartyKindNames;

    /// <summary>Every authorization kind's wire name.</summary>
    public static IReadOnlyList<string> AuthorizationKinds => AuthorizationKindNames;

    public static IReadOnlyList<string> GapKinds => GapKindNames;

    /// <summary>Every diversion reason's wire name.</summary>
    public static IReadOnlyList<string> DiversionReasons => DiversionReasonNames;

    public static string ToWire(CustodyEventType value) => Name(EventTypeNames, (int)value, nameof(value));

    public static string ToWire(PartyKind value) => Name(PartyKindNames, (int)value, nameof(value));

    public static string ToWire(AuthorizationKind value) => Name(AuthorizationKindNames, (int)value, nameof(value));

    public static string ToWire(DiversionReason value) => Name(DiversionReasonNames, (int)value, nameof(value));

    public static string ToWire(Confidence value) => Name(ConfidenceNames, (int)value, nameof(value));

    public static string ToWire(GapKind value) => Name(GapKindNames, (int)value, nameof(value));

    public static bool TryParseEventType(string? wire, out CustodyEventType value) => TryParse(EventTypeNames, wire, out value);

    public static bool TryParsePartyKind(string? wire, out PartyKind value) => TryParse(PartyKindNames, wire, out value);

    public static bool TryParseAuthorizationKind(string? wire, out AuthorizationKind value) => TryParse(AuthorizationKindNames, wire, out value);

    public static bool TryParseDiversionReason(string? wire, out DiversionReason value) => TryParse(DiversionReasonNames, wire, out value);

    public static bool TryParseConfidence(string? wire, out Confidence value) => TryParse(ConfidenceNames, wire, out value);

    public static bool TryParseGapKind(string? wire, out GapKind value) => TryParse(GapKindNames, wire, out value);

    private static string Name(string[] names, int index, string paramName) =>
        (uint)index < (uint)names.Length
            ? names[index]
            : throw new ArgumentOutOfRangeException(paramName, index, "Not a defined value.");

    private static bool TryParse<TEnum>(string[] names, string? wire, out TEnum value)
        where TEnum : struct, Enum
    {
        var index = wire is null ? -1 : Array.IndexOf(names, wire);
        // Array.IndexOf uses string.Equals, which is ordinal; the cast is safe because each
        // name array is declared in the enum's order and a test pins the two together.
        value = index >= 0 ? (TEnum)(object)index : default;
        return index >= 0;
    }
}
