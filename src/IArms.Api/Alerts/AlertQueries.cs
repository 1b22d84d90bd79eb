using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;
using IArms.Api.Operations;

namespace IArms.Api.Alerts;

/// <summary>All of the alerts feature's SQL: agencies' inboxes, and the insert other features call inside their own transactions.</summary>
public sealed class AlertQueries(Db db, TimeProvider clock, IArmsMetrics metrics)
{
    private static readonly Sql Insert = new("""
        INSERT INTO alert (agency_id, kind, firearm_id, from_agency_id, search_id, trace_request_id, purpose, message, created_at)
        VALUES (@AgencyId, @Kind, @FirearmId, @FromAgencyId, @SearchId, @TraceRequestId, @Purpose, @Message, @now)
        """);

    private const string Columns = """
        al.id, al.kind, al.message, al.firearm_id, fa.code AS from_agency, NULLIF(fa.country_code, '') AS from_country, al.search_id,
        al.trace_request_id, al.purpose, al.created_at, al.acknowledged_at
        FROM alert al LEFT JOIN agency fa ON fa.id = al.from_agency_id
        """;

    private static readonly Sql SelectInbox = new(d => $"""
        SELECT {d.Top("@take")} {Columns}
        WHERE al.agency_id = @agencyId AND al.id < @beforeId
          AND (@open = 0 OR al.acknowledged_at IS NULL)
          AND (@kind IS NULL OR al.kind = @kind)
        ORDER BY al.id DESC {d.Limit("@take")} {d.Recompile}
        """);

    private static readonly Sql SelectOne = new($"SELECT {Columns} WHERE al.id = @id AND al.agency_id = @agencyId");

    private static readonly Sql Acknowledge = new(
        "UPDATE alert SET acknowledged_at = @now WHERE id = @id AND agency_id = @agencyId AND acknowledged_at IS NULL");

    /// <summary>Writes alerts in the session's transaction, so they exist exactly when the event that raised them does.</summary>
    /// <remarks>Counted as raised once written: a transaction rolled back after that (rare: a failing commit) over-counts.</remarks>
    public async Task AddAsync(SqlSession session, IEnumerable<NewAlert> alerts)
    {
        foreach (var row in Rows(alerts))
        {
            await session.ExecuteAsync(Insert, row);
            metrics.AlertRaised(row.Kind);
        }
    }

    private List<InsertRow> Rows(IEnumerable<NewAlert> alerts)
    {
        var now = clock.GetUtcNow();
        return alerts.Select(a => new InsertRow(a.AgencyId, a.Kind, a.FirearmId, a.FromAgencyId, a.SearchId, a.TraceRequestId, a.Purpose, a.Message, now)).ToList();
    }

    public async Task<AlertPage> ListAsync(Caller caller, bool openOnly, string? kind, long beforeId, int limit, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        var rows = await session.QueryAsync<AlertRow>(SelectInbox, new
        {
            agencyId = caller.AgencyId,
            beforeId,
            open = openOnly ? 1 : 0,
            kind,
            take = limit + 1,
        });
        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(r => r.ToResponse()).ToList();
        return new AlertPage(items, hasMore ? Cursor.Encode(items[^1].Id) : null);
    }

    /// <summary>Closes one of the caller's alerts; null when the caller has no such alert. Acknowledging twice is harmless.</summary>
    public async Task<AlertResponse?> AcknowledgeAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        await session.ExecuteAsync(Acknowledge, new { id, agencyId = caller.AgencyId, now = clock.GetUtcNow() });
        var row = await session.QuerySingleOrDefaultAsync<AlertRow>(SelectOne, new { id, agencyId = caller.AgencyId });
        return row?.ToResponse();
    }

    private sealed record InsertRow(
        long AgencyId, string Kind, long? FirearmId, long? FromAgencyId, string? SearchId, long? TraceRequestId, string? Purpose, string Message,
        DateTimeOffset now);

    private sealed class AlertRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Message { get; set; } = "";
        public long? FirearmId { get; set; }
        public string? FromAgency { get; set; }
        public string? FromCountry { get; set; }
        public string? SearchId { get; set; }
        public long? TraceRequestId { get; set; }
        public string? Purpose { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? AcknowledgedAt { get; set; }

        public AlertResponse ToResponse() =>
            new(Id, Kind, Message, FirearmId, FromAgency, FromCountry, SearchId, TraceRequestId, Purpose, CreatedAt, AcknowledgedAt);
    }
}
