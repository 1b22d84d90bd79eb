using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Infrastructure;
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
    public long SourceAgencyId { get; set; }
    public long? TraceRequestId { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public DateTimeOffset? RetractedAt { get; set; }
    public string? RetractedBy { get; set; }
    public string? RetractionReason { get; set; }
}

/// <summary>
/// All of tracing's SQL: custody events, trace requests and the tracing access rule. A firearm is traceable by
/// an agency that may see the record (<see cref="FirearmQueries.VisibleTo"/>) and by the addressee of an open or
/// answered trace request the owner sent about it: the owner may share its record beyond its visibility, nobody
/// else may. The reads open their own session; the writes run in the caller's transaction (<see cref="TraceRequestService"/>).
/// </summary>
public sealed class TracingQueries(Db db, TimeProvider clock)
{
    /// <summary>
    /// The tracing access rule over <c>firearm f</c>, with <c>@callerAgencyId</c> and <c>@callerCountry</c>. Only the
    /// owner's requests lend access: another agency's request may name only an addressee inside the visibility,
    /// which then sees the record by the visibility itself, and loses it as soon as the owner narrows it. The owner's
    /// explicit share is its own decision, so it stands whatever the visibility, until the request is closed (or
    /// the record withdrawn, which closes it).
    /// </summary>
    public const string TraceableBy = $"""
        ({FirearmQueries.VisibleTo}
         OR EXISTS (SELECT 1 FROM trace_request tr WHERE tr.firearm_id = f.id AND tr.to_agency_id = @callerAgencyId
                    AND tr.from_agency_id = f.owner_agency_id AND tr.status IN ('open', 'answered')))
        """;

    private const string SelectFirearm = """
        SELECT f.id, f.owner_agency_id, f.year_of_manufacture, f.obliterated_serial
        FROM firearm f
        WHERE f.id = @id AND f.withdrawn_at IS NULL AND
        """;

    private static readonly Sql SelectTraceable = new(SelectFirearm + TraceableBy);

    private static readonly Sql SelectVisible = new(SelectFirearm + FirearmQueries.VisibleTo);

    private const string EventColumns = """
        ce.id, ce.firearm_id, ce.type, ce.event_date, ce.from_party_name, ce.from_party_kind, ce.from_party_country,
        ce.from_party_licence, ce.to_party_name, ce.to_party_kind, ce.to_party_country, ce.to_party_licence,
        ce.country_code, ce.place, ce.document_reference, ce.notes, ce.authorization_kind, ce.authorization_reference,
        a.code AS source, ce.source_agency_id, ce.trace_request_id, ce.recorded_at,
        ce.retracted_at, rb.code AS retracted_by, ce.retraction_reason
        FROM custody_event ce JOIN agency a ON a.id = ce.source_agency_id
        LEFT JOIN agency rb ON rb.id = ce.retracted_by_agency_id
        """;

    private static readonly Sql SelectChain = new($"SELECT {EventColumns} WHERE ce.firearm_id = @firearmId ORDER BY ce.id");

    private static readonly Sql SelectEvent = new($"SELECT {EventColumns} WHERE ce.id = @eventId AND ce.firearm_id = @firearmId");

    // Source and state checks sit in the WHERE, so a concurrent retraction cannot be overwritten.
    private static readonly Sql RetractEvent = new("""
        UPDATE custody_event SET retracted_at = @now, retracted_by_agency_id = @agencyId, retraction_reason = @reason
        WHERE id = @eventId AND firearm_id = @firearmId AND source_agency_id = @agencyId AND retracted_at IS NULL
        """);

    private static readonly Sql SelectEventsByRequests = new(d => $"SELECT {EventColumns} WHERE ce.trace_request_id IN {d.IdList("@ids")} ORDER BY ce.id");

    private static readonly Sql InsertEvent = new(d => d.InsertReturningId(
        """
        INSERT INTO custody_event
        (firearm_id, type, event_date, from_party_name, from_party_kind, from_party_country, from_party_licence,
         to_party_name, to_party_kind, to_party_country, to_party_licence, country_code, place, document_reference,
         notes, authorization_kind, authorization_reference, source_agency_id, trace_request_id, recorded_at)
        """,
        """
        VALUES
        (@FirearmId, @Type, @EventDate, @FromPartyName, @FromPartyKind, @FromPartyCountry, @FromPartyLicence,
         @ToPartyName, @ToPartyKind, @ToPartyCountry, @ToPartyLicence, @CountryCode, @Place, @DocumentReference,
         @Notes, @AuthorizationKind, @AuthorizationReference, @SourceAgencyId, @TraceRequestId, @RecordedAt)
        """));

    private static readonly Sql SelectAgency = new("SELECT id, code, country_code FROM agency WHERE code = @code");

    private static readonly Sql InsertRequest = new(d => d.InsertReturningId(
        "INSERT INTO trace_request (firearm_id, from_agency_id, to_agency_id, priority, message, due_date, status, created_at)",
        "VALUES (@firearmId, @fromAgencyId, @toAgencyId, @priority, @message, @dueDate, 'open', @now)"));

    /// <summary>
    /// 1 when the request still shows its firearm to the caller (<c>@callerAgencyId</c>, <c>@callerCountry</c>, one of
    /// its parties): it is open or answered, the record is live, and it was the owner's share, or addressed to the
    /// owner, or its addressee is inside the visibility; and the caller is the addressee or still sees the record itself (a requester that is
    /// not the owner may have been narrowed out).
    /// </summary>
    private const string SharesFirearm = $"""
        CASE WHEN tr.status IN ('open', 'answered') AND f.withdrawn_at IS NULL
                  AND (tr.from_agency_id = f.owner_agency_id OR tr.to_agency_id = f.owner_agency_id OR f.visibility_scope = 'all'
                       OR EXISTS (SELECT 1 FROM firearm_visibility tv WHERE tv.firearm_id = f.id AND tv.country_code = ta.country_code))
                  AND (tr.to_agency_id = @callerAgencyId OR {FirearmQueries.VisibleTo})
             THEN 1 ELSE 0 END
        """;

    private const string RequestColumns = $"""
        tr.id, tr.firearm_id, tr.from_agency_id, fa.code AS from_agency, fa.country_code AS from_country,
        tr.to_agency_id, ta.code AS to_agency, ta.country_code AS to_country, tr.priority, tr.message, tr.due_date,
        tr.status, tr.created_at, tr.answered_at, tr.outcome, tr.reason_code, tr.answer_notes, tr.closed_at,
        oa.code AS owner_agency, f.serial_number, f.make, f.model, f.calibre, f.type, f.country_of_manufacture,
        f.year_of_manufacture, f.obliterated_serial,
        {SharesFirearm} AS shares_firearm
        FROM trace_request tr
        JOIN agency fa ON fa.id = tr.from_agency_id
        JOIN agency ta ON ta.id = tr.to_agency_id
        JOIN firearm f ON f.id = tr.firearm_id
        JOIN agency oa ON oa.id = f.owner_agency_id
        """;

    // Only the two parties see a request; anyone else is told it does not exist.
    private static readonly Sql SelectRequestForParty = new(
        $"SELECT {RequestColumns} WHERE tr.id = @id AND (tr.from_agency_id = @callerAgencyId OR tr.to_agency_id = @callerAgencyId)");

    // "open" and "overdue" are what the client is shown: an open request past its due date shows as overdue.
    private static readonly Sql SelectRequestPage = new(d => $"""
        SELECT {d.Top("@take")} {RequestColumns}
        WHERE tr.id < @beforeId
          AND ((@incoming = 1 AND tr.to_agency_id = @callerAgencyId) OR (@outgoing = 1 AND tr.from_agency_id = @callerAgencyId))
          AND (@status IS NULL
               OR (@status = 'open' AND tr.status = 'open' AND tr.due_date >= @today)
               OR (@status = 'overdue' AND tr.status = 'open' AND tr.due_date < @today)
               OR (@status IN ('answered', 'closed') AND tr.status = @status))
        ORDER BY tr.id DESC {d.Limit("@take")} {d.Recompile}
        """);

    private static readonly Sql MarkAnswered = new("""
        UPDATE trace_request
        SET status = 'answered', answered_at = @now, outcome = @outcome, reason_code = @reasonCode, answer_notes = @notes
        WHERE id = @id AND status = 'open'
        """);

    private static readonly Sql MarkClosed = new(
        "UPDATE trace_request SET status = 'closed', closed_at = @now WHERE id = @id AND status <> 'closed'");

    /// <summary>Closes the requests that still share a firearm (its owner withdrew it).</summary>
    public static readonly Sql CloseRequestsOfFirearm = new(
        "UPDATE trace_request SET status = 'closed', closed_at = @now WHERE firearm_id = @firearmId AND status IN ('open', 'answered')");

    private static readonly Sql SelectOverdue = new(d => $"""
        SELECT {d.Top("@take")} id, firearm_id, from_agency_id, to_agency_id, due_date
        FROM trace_request
        WHERE status = 'open' AND overdue_alerted_at IS NULL AND due_date < @today
        ORDER BY id {d.Limit("@take")}
        """);

    private static readonly Sql MarkOverdueAlerted = new(
        "UPDATE trace_request SET overdue_alerted_at = @now WHERE id = @id AND status = 'open' AND overdue_alerted_at IS NULL");

    // Only requests about records the caller may see are counted: a request about a hidden record (an owner's share
    // beyond the visibility, say) must not show up, even as one more in a country's total.
    private static readonly Sql SelectForStats = new($"""
        SELECT ta.country_code, tr.status, tr.due_date, tr.created_at, tr.answered_at
        FROM trace_request tr JOIN agency ta ON ta.id = tr.to_agency_id JOIN firearm f ON f.id = tr.firearm_id
        WHERE {FirearmQueries.VisibleTo}
        """);

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    // ---- reads, each on a session of its own ----

    /// <summary>
    /// The trace report, or null when the caller may not trace the firearm. Read from the primary: an agency that
    /// has just added an event (or answered a request) reads the report next, and a replica may not have it yet.
    /// </summary>
    public async Task<TraceReportResponse?> ReportAsync(long firearmId, Caller caller, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        if (await FindTraceableAsync(session, firearmId, caller) is not { } firearm)
        {
            return null;
        }
        var rows = await ChainAsync(session, firearmId);
        // Retracted events stay in the chain shown, marked, but are no longer facts the analysis builds on.
        var report = ChainAnalyzer.Analyze(Live(rows).Select(CustodyEvents.ToCore), firearm.ObliteratedSerial);
        return CustodyEvents.ToResponse(firearmId, report, rows);
    }

    /// <summary>The request if the caller's agency asked or was asked; null otherwise.</summary>
    public async Task<TraceRequestResponse?> GetRequestAsync(long id, Caller caller, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await ReadRequestAsync(session, id, caller);
    }

    public async Task<TraceRequestPage> ListRequestsAsync(Caller caller, string? direction, string? status, long beforeId, int limit, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        var rows = await session.QueryAsync<TraceRequestRow>(SelectRequestPage, new
        {
            callerAgencyId = caller.AgencyId,
            callerCountry = caller.CountryCode,
            beforeId,
            incoming = direction is null or TraceVocabulary.Incoming ? 1 : 0,
            outgoing = direction is null or TraceVocabulary.Outgoing ? 1 : 0,
            status,
            today = Today(),
            take = limit + 1,
        });
        var page = rows.Take(limit).ToList();
        var items = await ToResponsesAsync(session, page);
        return new TraceRequestPage(items, rows.Count > limit ? Cursor.Encode(page[^1].Id) : null);
    }

    /// <summary>Per addressee country, over the requests about records the caller may see: received, answered, median days to answer and overdue now.</summary>
    public async Task<IReadOnlyList<TraceCountryStats>> StatsAsync(Caller caller, CancellationToken ct)
    {
        var today = Today();
        await using var session = await db.ReadAsync(ct);
        var rows = await session.QueryAsync<StatsRow>(SelectForStats, new { callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode });
        return rows
            .GroupBy(r => r.CountryCode, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var days = g.Where(r => r.AnsweredAt is not null)
                    .Select(r => (r.AnsweredAt!.Value - r.CreatedAt).TotalDays)
                    .Order()
                    .ToList();
                return new TraceCountryStats(
                    g.Key,
                    g.Count(),
                    days.Count,
                    Median(days),
                    g.Count(r => r.Status == TraceVocabulary.Open && r.DueDate < today));
            })
            .ToList();
    }

    // ---- statements run inside another session (the service's transactions) ----

    public static Task<TracedFirearm?> FindTraceableAsync(SqlSession session, long id, Caller caller) =>
        session.QuerySingleOrDefaultAsync<TracedFirearm>(SelectTraceable, FirearmArgs(id, caller));

    /// <summary>
    /// The firearm if the caller may see the record itself. Only such an agency may open a trace request:
    /// an addressee's borrowed access must not be passed on to a third agency.
    /// </summary>
    public static Task<TracedFirearm?> FindVisibleAsync(SqlSession session, long id, Caller caller) =>
        FindVisibleAsync(session, id, caller.AgencyId, caller.CountryCode);

    /// <summary>The firearm if the agency (for example a request's addressee) may see the record itself.</summary>
    public static Task<TracedFirearm?> FindVisibleAsync(SqlSession session, long id, long agencyId, string? countryCode) =>
        session.QuerySingleOrDefaultAsync<TracedFirearm>(SelectVisible, new { id, callerAgencyId = agencyId, callerCountry = countryCode });

    private static object FirearmArgs(long id, Caller caller) => new { id, callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode };

    public static async Task<IReadOnlyList<CustodyEventRow>> ChainAsync(SqlSession session, long firearmId) =>
        await session.QueryAsync<CustodyEventRow>(SelectChain, new { firearmId });

    /// <summary>The events of a chain that still stand: Core's rules and the analysis see only these.</summary>
    public static IEnumerable<CustodyEventRow> Live(IEnumerable<CustodyEventRow> chain) => chain.Where(e => e.RetractedAt is null);

    public static Task<CustodyEventRow?> FindEventAsync(SqlSession session, long firearmId, long eventId) =>
        session.QuerySingleOrDefaultAsync<CustodyEventRow>(SelectEvent, new { firearmId, eventId });

    /// <summary>Marks the caller's own live event retracted; false when it is not the caller's or already retracted.</summary>
    public static async Task<bool> RetractEventAsync(SqlSession session, long firearmId, long eventId, long agencyId, string reason, DateTimeOffset now) =>
        await session.ExecuteAsync(RetractEvent, new { firearmId, eventId, agencyId, reason, now }) == 1;

    /// <summary>Stores an event that Core's rules accepted; returns its id.</summary>
    public static Task<long> InsertEventAsync(SqlSession session, long firearmId, CustodyEvent e, long sourceAgencyId, long? traceRequestId) =>
        session.QuerySingleAsync<long>(InsertEvent, new
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
        });

    public static Task<AgencyRow?> FindAgencyAsync(SqlSession session, string code) =>
        session.QuerySingleOrDefaultAsync<AgencyRow>(SelectAgency, new { code });

    public static Task<long> InsertRequestAsync(
        SqlSession session, long firearmId, long fromAgencyId, long toAgencyId, string priority, string message, DateOnly dueDate, DateTimeOffset now) =>
        session.QuerySingleAsync<long>(InsertRequest, new { firearmId, fromAgencyId, toAgencyId, priority, message, dueDate, now });

    public static Task<TraceRequestRow?> FindRequestForPartyAsync(SqlSession session, long id, Caller caller) =>
        session.QuerySingleOrDefaultAsync<TraceRequestRow>(SelectRequestForParty,
            new { id, callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode });

    /// <summary>Marks an open request answered; false when it was no longer open.</summary>
    public static async Task<bool> MarkAnsweredAsync(SqlSession session, long id, TraceAnswerRequest answer, DateTimeOffset now) =>
        await session.ExecuteAsync(MarkAnswered, new
        {
            id,
            now,
            outcome = answer.Outcome,
            reasonCode = answer.ReasonCode,
            notes = answer.Notes?.Trim() ?? "",
        }) == 1;

    /// <summary>Closes a request; false when it was already closed.</summary>
    public static async Task<bool> MarkClosedAsync(SqlSession session, long id, DateTimeOffset now) =>
        await session.ExecuteAsync(MarkClosed, new { id, now }) == 1;

    /// <summary>Closes the open and answered requests on a withdrawn firearm, in the withdrawal's transaction.</summary>
    public static Task CloseRequestsOfFirearmAsync(SqlSession session, long firearmId, DateTimeOffset now) =>
        session.ExecuteAsync(CloseRequestsOfFirearm, new { firearmId, now });

    public static Task<List<OverdueRow>> OverdueAsync(SqlSession session, DateOnly today, int take) =>
        session.QueryAsync<OverdueRow>(SelectOverdue, new { today, take });

    /// <summary>Marks an overdue request as alerted; false when another sweep got there first.</summary>
    public static async Task<bool> MarkOverdueAlertedAsync(SqlSession session, long id, DateTimeOffset now) =>
        await session.ExecuteAsync(MarkOverdueAlerted, new { id, now }) == 1;

    /// <summary>The request as its parties see it, with the events of its answer.</summary>
    public async Task<TraceRequestResponse?> ReadRequestAsync(SqlSession session, long id, Caller caller) =>
        await FindRequestForPartyAsync(session, id, caller) is { } row ? (await ToResponsesAsync(session, [row]))[0] : null;

    private async Task<IReadOnlyList<TraceRequestResponse>> ToResponsesAsync(SqlSession session, IReadOnlyList<TraceRequestRow> rows)
    {
        var answered = rows.Where(r => r.AnsweredAt is not null && r.Shares).Select(r => r.Id).ToArray();
        var answerEvents = (answered.Length == 0
                ? []
                : await session.QueryAsync<CustodyEventRow>(SelectEventsByRequests, new { ids = SqlList.Of(answered) }))
            .ToLookup(e => e.TraceRequestId!.Value);
        var today = Today();
        return rows.Select(r =>
        {
            var overdue = r.Status == TraceVocabulary.Open && r.DueDate < today;
            var answer = r.AnsweredAt is null
                ? null
                : new TraceAnswer(r.Outcome ?? "", r.ReasonCode, r.AnswerNotes ?? "",
                    answerEvents[r.Id].Select(CustodyEvents.ToResponse).ToList(),
                    r.AnsweredAt.Value);
            return new TraceRequestResponse(
                r.Id, r.FirearmId,
                r.Shares
                    ? new TraceFirearm(r.FirearmId, r.OwnerAgency, r.SerialNumber, r.Make, r.Model, r.Calibre, r.Type,
                        r.CountryOfManufacture, r.YearOfManufacture, r.ObliteratedSerial)
                    : null,
                r.FromAgency, r.FromCountry, r.ToAgency, r.ToCountry, r.Priority, r.Message, r.DueDate,
                overdue ? TraceVocabulary.Overdue : r.Status, overdue, r.CreatedAt, r.ClosedAt, answer);
        }).ToList();
    }

    private static double? Median(IReadOnlyList<double> sorted)
    {
        if (sorted.Count == 0)
        {
            return null;
        }
        var middle = sorted.Count / 2;
        var median = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return Math.Round(median, 1, MidpointRounding.AwayFromZero);
    }

    public sealed class AgencyRow
    {
        public long Id { get; set; }
        public string Code { get; set; } = "";
        public string CountryCode { get; set; } = "";
    }

    public sealed class TraceRequestRow
    {
        public long Id { get; set; }
        public long FirearmId { get; set; }
        public long FromAgencyId { get; set; }
        public string FromAgency { get; set; } = "";
        public string FromCountry { get; set; } = "";
        public long ToAgencyId { get; set; }
        public string ToAgency { get; set; } = "";
        public string ToCountry { get; set; } = "";
        public string Priority { get; set; } = "";
        public string Message { get; set; } = "";
        public DateOnly DueDate { get; set; }
        public string Status { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
        public string? Outcome { get; set; }
        public string? ReasonCode { get; set; }
        public string? AnswerNotes { get; set; }
        public DateTimeOffset? ClosedAt { get; set; }
        public string OwnerAgency { get; set; } = "";
        public string SerialNumber { get; set; } = "";
        public string Make { get; set; } = "";
        public string Model { get; set; } = "";
        public string Calibre { get; set; } = "";
        public string Type { get; set; } = "";
        public string? CountryOfManufacture { get; set; }
        public int? YearOfManufacture { get; set; }
        public bool ObliteratedSerial { get; set; }
        public int SharesFirearm { get; set; }

        /// <summary>Whether the request still shows its firearm to the agency that read it (see <c>SharesFirearm</c>).</summary>
        public bool Shares => SharesFirearm == 1;
    }

    public sealed class OverdueRow
    {
        public long Id { get; set; }
        public long FirearmId { get; set; }
        public long FromAgencyId { get; set; }
        public long ToAgencyId { get; set; }
        public DateOnly DueDate { get; set; }
    }

    private sealed class StatsRow
    {
        public string CountryCode { get; set; } = "";
        public string Status { get; set; } = "";
        public DateOnly DueDate { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? AnsweredAt { get; set; }
    }
}
