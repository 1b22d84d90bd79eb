using System.Data.Common;
using Dapper;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Tracing;

namespace IArms.Api.Tracing;

/// <summary>The firearm facts the tracing routes need, read under the tracing access rule.</summary>
public sealed class TracedFirearm
{
    public long Id { get; set; }
    public long OwnerAgencyId { get; set; }
    public int? YearOfManufacture { get; set; }
    public bool ObliteratedSerial { get; set; }
}

/// <summary>A custody event row (a class: Dapper maps SQLite text and integers into its properties).</summary>
public sealed class CustodyEventRow
{
    public long Id { get; set; }
    public long FirearmId { get; set; }
    public string Type { get; set; } = "";
    public DateOnly EventDate { get; set; }
    public string? FromPartyName { get; set; }
    public string? FromPartyKind { get; set; }
    public string? FromPartyCountry { get; set; }
    public string? FromPartyLicence { get; set; }
    public string? ToPartyName { get; set; }
    public string? ToPartyKind { get; set; }
    public string? ToPartyCountry { get; set; }
    public string? ToPartyLicence { get; set; }
    public string? CountryCode { get; set; }
    public string? Place { get; set; }
    public string? DocumentReference { get; set; }
    public string? Notes { get; set; }
    public string? AuthorizationKind { get; set; }
    public string? AuthorizationReference { get; set; }
    public string Source { get; set; } = "";
    public long? TraceRequestId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
}

/// <summary>
/// Custody events and the tracing access rule. A firearm is traceable by an agency that may see the record
/// (<see cref="FirearmSql.VisibleTo"/>) and by the addressee of an open or answered trace request on it:
/// by asking, the requester shares the record with the agency it asks.
/// </summary>
public sealed class CustodyEventStore(Db db)
{
    /// <summary>
    /// The tracing access rule over <c>firearm f</c>, with <c>@callerAgencyId</c> and <c>@callerCountry</c>. A closed
    /// request no longer shares the record: the requester closed the conversation.
    /// </summary>
    public const string TraceableBy = $"""
        ({FirearmSql.VisibleTo}
         OR EXISTS (SELECT 1 FROM trace_request tr WHERE tr.firearm_id = f.id AND tr.to_agency_id = @callerAgencyId
                    AND tr.status IN ('open', 'answered')))
        """;

    private const string SelectFirearm = """
        SELECT f.id AS Id, f.owner_agency_id AS OwnerAgencyId, f.year_of_manufacture AS YearOfManufacture,
               f.obliterated_serial AS ObliteratedSerial
        FROM firearm f
        WHERE f.id = @id AND f.withdrawn_at IS NULL AND
        """;

    private static readonly SqlText SelectTraceable = SqlText.Same(SelectFirearm + TraceableBy);

    private static readonly SqlText SelectVisible = SqlText.Same(SelectFirearm + FirearmSql.VisibleTo);

    private const string Columns = """
        ce.id AS Id, ce.firearm_id AS FirearmId, ce.type AS Type, ce.event_date AS EventDate,
        ce.from_party_name AS FromPartyName, ce.from_party_kind AS FromPartyKind,
        ce.from_party_country AS FromPartyCountry, ce.from_party_licence AS FromPartyLicence,
        ce.to_party_name AS ToPartyName, ce.to_party_kind AS ToPartyKind,
        ce.to_party_country AS ToPartyCountry, ce.to_party_licence AS ToPartyLicence,
        ce.country_code AS CountryCode, ce.place AS Place, ce.document_reference AS DocumentReference, ce.notes AS Notes,
        ce.authorization_kind AS AuthorizationKind, ce.authorization_reference AS AuthorizationReference,
        a.code AS Source, ce.trace_request_id AS TraceRequestId, ce.recorded_at AS RecordedAt
        FROM custody_event ce JOIN agency a ON a.id = ce.source_agency_id
        """;

    private static readonly SqlText SelectChain = SqlText.Same($"SELECT {Columns} WHERE ce.firearm_id = @firearmId ORDER BY ce.id");

    private static readonly SqlText SelectByRequests = SqlText.Same($"SELECT {Columns} WHERE ce.trace_request_id IN @ids ORDER BY ce.id");

    private const string InsertColumns = """
        (firearm_id, type, event_date, from_party_name, from_party_kind, from_party_country, from_party_licence,
         to_party_name, to_party_kind, to_party_country, to_party_licence, country_code, place, document_reference,
         notes, authorization_kind, authorization_reference, source_agency_id, trace_request_id, recorded_at)
        """;

    private const string InsertValues = """
        (@FirearmId, @Type, @EventDate, @FromPartyName, @FromPartyKind, @FromPartyCountry, @FromPartyLicence,
         @ToPartyName, @ToPartyKind, @ToPartyCountry, @ToPartyLicence, @CountryCode, @Place, @DocumentReference,
         @Notes, @AuthorizationKind, @AuthorizationReference, @SourceAgencyId, @TraceRequestId, @RecordedAt)
        """;

    private static readonly SqlText Insert = new(
        $"INSERT INTO custody_event {InsertColumns} VALUES {InsertValues} RETURNING id",
        $"INSERT INTO custody_event {InsertColumns} OUTPUT INSERTED.id VALUES {InsertValues}");

    public Task<TracedFirearm?> FindTraceableAsync(DbConnection connection, DbTransaction? tx, long id, Caller caller, CancellationToken ct) =>
        FindAsync(SelectTraceable, connection, tx, id, caller, ct);

    /// <summary>
    /// The firearm if the caller may see the record itself. Only such an agency may open a trace request:
    /// an addressee's borrowed access must not be passed on to a third agency.
    /// </summary>
    public Task<TracedFirearm?> FindVisibleAsync(DbConnection connection, DbTransaction? tx, long id, Caller caller, CancellationToken ct) =>
        FindAsync(SelectVisible, connection, tx, id, caller, ct);

    private async Task<TracedFirearm?> FindAsync(SqlText sql, DbConnection connection, DbTransaction? tx, long id, Caller caller, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<TracedFirearm>(new CommandDefinition(db.Sql(sql),
            new { id, callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode }, tx, cancellationToken: ct));

    public async Task<IReadOnlyList<CustodyEventRow>> ChainAsync(DbConnection connection, DbTransaction? tx, long firearmId, CancellationToken ct) =>
        (await connection.QueryAsync<CustodyEventRow>(new CommandDefinition(db.Sql(SelectChain), new { firearmId }, tx, cancellationToken: ct))).AsList();

    public async Task<IReadOnlyList<CustodyEventRow>> ByRequestsAsync(
        DbConnection connection, DbTransaction? tx, IReadOnlyCollection<long> requestIds, CancellationToken ct) =>
        requestIds.Count == 0
            ? []
            : (await connection.QueryAsync<CustodyEventRow>(new CommandDefinition(
                db.Sql(SelectByRequests), new { ids = requestIds }, tx, cancellationToken: ct))).AsList();

    /// <summary>Stores an event that Core's rules accepted; returns its id.</summary>
    public Task<long> InsertAsync(
        DbConnection connection, DbTransaction tx, long firearmId, CustodyEvent e, long sourceAgencyId, long? traceRequestId, CancellationToken ct) =>
        connection.QuerySingleAsync<long>(new CommandDefinition(db.Sql(Insert), new
        {
            FirearmId = firearmId,
            Type = CustodyVocabulary.ToWire(e.Type),
            EventDate = e.Date,
            FromPartyName = e.FromParty?.Name,
            FromPartyKind = e.FromParty is null ? null : CustodyVocabulary.ToWire(e.FromParty.Kind),
            FromPartyCountry = e.FromParty?.CountryCode,
            FromPartyLicence = e.FromParty?.Licence,
            ToPartyName = e.ToParty?.Name,
            ToPartyKind = e.ToParty is null ? null : CustodyVocabulary.ToWire(e.ToParty.Kind),
            ToPartyCountry = e.ToParty?.CountryCode,
            ToPartyLicence = e.ToParty?.Licence,
            e.CountryCode,
            e.Place,
            e.DocumentReference,
            e.Notes,
            AuthorizationKind = e.Authorization is null ? null : CustodyVocabulary.ToWire(e.Authorization.Kind),
            AuthorizationReference = e.Authorization?.Reference,
            SourceAgencyId = sourceAgencyId,
            TraceRequestId = traceRequestId,
            RecordedAt = e.RecordedAt,
        }, tx, cancellationToken: ct));

    /// <summary>
    /// Validates request events against Core's rules and the stored chain (the events of one answer are judged
    /// together, so an answer may bring its own <c>manufactured</c> event); null when they are all valid.
    /// </summary>
    public static Dictionary<string, List<string>>? Validate(
        IReadOnlyList<(CustodyEvent Event, string Prefix)> incoming, IEnumerable<CustodyEvent> stored, int? yearOfManufacture, DateOnly today)
    {
        var made = CustodyEvents.ManufactureDate(stored.Concat(incoming.Select(i => i.Event)), yearOfManufacture);
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (e, prefix) in incoming)
        {
            CustodyEvents.Validate(e, made, today, prefix, errors);
        }
        return errors.Count == 0 ? null : errors;
    }
}
