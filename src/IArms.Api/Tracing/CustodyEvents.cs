using System.Globalization;
using IArms.Core.Tracing;

namespace IArms.Api.Tracing;

/// <summary>
/// Translates between the wire contracts and <see cref="IArms.Core.Tracing"/>: requests become Core events
/// (so that Core's rules judge them), stored rows and Core reports become responses.
/// </summary>
public static class CustodyEvents
{
    /// <summary>
    /// Builds the Core event for a request. A word outside a vocabulary becomes an undefined enum value on
    /// purpose: <see cref="CustodyEventRules.Validate"/> reports those with the list of allowed names, so the
    /// API does not keep a second copy of the rule.
    /// </summary>
    public static CustodyEvent ToCore(CustodyEventRequest r, string id, string source, DateTimeOffset recordedAt) => new(
        id,
        CustodyVocabulary.TryParseEventType(r.Type, out var type) ? type : (CustodyEventType)(-1),
        r.Date ?? DateOnly.MinValue,
        ToCore(r.FromParty),
        ToCore(r.ToParty),
        r.CountryCode,
        Trim(r.Place),
        Trim(r.DocumentReference),
        Trim(r.Notes),
        r.Authorization is null
            ? null
            : new Authorization(
                CustodyVocabulary.TryParseAuthorizationKind(r.Authorization.Kind, out var kind) ? kind : (AuthorizationKind)(-1),
                r.Authorization.Reference?.Trim() ?? ""),
        source,
        recordedAt);

    private static Party? ToCore(CustodyParty? p) => p is null
        ? null
        : new Party(
            p.Name?.Trim() ?? "",
            CustodyVocabulary.TryParsePartyKind(p.Kind, out var kind) ? kind : (PartyKind)(-1),
            p.CountryCode,
            Trim(p.Licence));

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>
    /// Validates request events against Core's rules and the live chain (retracted events left out; the events of
    /// one answer are judged together, so an answer may bring its own <c>manufactured</c> event); each error is keyed
    /// by its event's prefix (e.g. <c>events[2].</c>) and field. Null when they are all valid.
    /// </summary>
    public static Dictionary<string, List<string>>? Validate(
        IReadOnlyList<(CustodyEvent Event, string Prefix)> incoming, IEnumerable<CustodyEventRow> chain, int? yearOfManufacture, DateOnly today)
    {
        var live = TracingQueries.Live(chain).Select(ToCore).ToList();
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (index, field, message) in CustodyEventRules.ValidateChain(incoming.Select(i => i.Event).ToList(), live, yearOfManufacture, today))
        {
            var key = incoming[index].Prefix + field;
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }
            list.Add(message);
        }
        return errors.Count == 0 ? null : errors;
    }

    public static IDictionary<string, string[]> ToProblemErrors(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public static CustodyEvent ToCore(CustodyEventRow row) => new(
        Id(row.Id),
        CustodyVocabulary.TryParseEventType(row.Type, out var type) ? type : throw Corrupt(row, "type"),
        row.EventDate,
        Party(row, row.FromPartyName, row.FromPartyKind, row.FromPartyCountry, row.FromPartyLicence),
        Party(row, row.ToPartyName, row.ToPartyKind, row.ToPartyCountry, row.ToPartyLicence),
        row.CountryCode,
        row.Place,
        row.DocumentReference,
        row.Notes,
        row.AuthorizationKind is null
            ? null
            : new Authorization(
                CustodyVocabulary.TryParseAuthorizationKind(row.AuthorizationKind, out var kind) ? kind : throw Corrupt(row, "authorization_kind"),
                row.AuthorizationReference ?? ""),
        row.Source,
        row.RecordedAt);

    private static Party? Party(CustodyEventRow row, string? name, string? kind, string? country, string? licence) =>
        kind is null
            ? null
            : new Party(name ?? "", CustodyVocabulary.TryParsePartyKind(kind, out var k) ? k : throw Corrupt(row, "party kind"), country, licence);

    private static InvalidOperationException Corrupt(CustodyEventRow row, string column) =>
        new($"Custody event {row.Id} holds an unknown {column}.");

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static long? WireId(string? id) => id is null ? null : long.Parse(id, CultureInfo.InvariantCulture);

    /// <summary>A stored event as the API shows it, with its retraction when it has one.</summary>
    public static CustodyEventResponse ToResponse(CustodyEventRow row) =>
        ToResponse(ToCore(row), row.FirearmId, row.TraceRequestId) with
        {
            RetractedAt = row.RetractedAt,
            RetractedBy = row.RetractedBy,
            RetractionReason = row.RetractionReason,
        };

    public static CustodyEventResponse ToResponse(CustodyEvent e, long firearmId, long? traceRequestId) => new(
        WireId(e.Id)!.Value,
        firearmId,
        CustodyVocabulary.ToWire(e.Type),
        e.Date,
        ToResponse(e.FromParty),
        ToResponse(e.ToParty),
        e.CountryCode,
        e.Place,
        e.DocumentReference,
        e.Notes,
        e.Authorization is null ? null : new CustodyAuthorization(CustodyVocabulary.ToWire(e.Authorization.Kind), e.Authorization.Reference),
        e.Source,
        traceRequestId,
        e.RecordedAt);

    private static CustodyParty? ToResponse(Party? p) =>
        p is null ? null : new CustodyParty(p.Name, CustodyVocabulary.ToWire(p.Kind), p.CountryCode, p.Licence);

    /// <summary>
    /// The wire report of a Core analysis of a chain's live events; the chain shown holds every stored event (the
    /// retracted ones marked) in chain order. Event ids are numbers everywhere, as in the chain.
    /// </summary>
    public static TraceReportResponse ToResponse(long firearmId, TraceReport report, IReadOnlyList<CustodyEventRow> rows)
    {
        var byId = rows.ToDictionary(r => Id(r.Id), StringComparer.Ordinal);
        var chain = ChainAnalyzer.Order(rows.Select(ToCore)).Select(e => ToResponse(byId[e.Id])).ToList();
        return ToResponse(firearmId, report, chain);
    }

    private static TraceReportResponse ToResponse(long firearmId, TraceReport report, IReadOnlyList<CustodyEventResponse> chain) => new(
        firearmId,
        chain,
        report.Gaps.Select(g => new TraceGap(WireId(g.AfterEventId)!.Value, WireId(g.BeforeEventId)!.Value, CustodyVocabulary.ToWire(g.Kind))).ToList(),
        report.Diversion is not { } d
            ? null
            : new TraceDiversion(
                CustodyVocabulary.ToWire(d.Reason),
                CustodyVocabulary.ToWire(d.Confidence),
                ToResponse(d.LastLawfulHolder),
                WireId(d.LastLawfulEventId),
                WireId(d.FirstIllicitEventId),
                d.CountryCode,
                d.DateFrom,
                d.DateTo),
        report.TimeToCrimeDays,
        report.Indicators);
}
