using System.Data.Common;
using Dapper;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;

namespace IArms.Api.Alerts;

/// <summary>The kinds of alert an agency receives.</summary>
public static class AlertKinds
{
    /// <summary>Another agency's search found one of the agency's wanted records.</summary>
    public const string Hit = "hit";
    public const string TraceRequest = "trace-request";
    public const string TraceAnswered = "trace-answered";
    public const string TraceOverdue = "trace-overdue";

    /// <summary>Another agency shared one of the agency's records by sending a trace request about it.</summary>
    public const string RecordShared = "record-shared";

    public static readonly IReadOnlyList<string> All = [Hit, TraceRequest, TraceAnswered, TraceOverdue, RecordShared];
}

/// <summary>An alert to raise, written by the feature that detects it inside its own transaction.</summary>
public sealed record NewAlert(
    long AgencyId, string Kind, string Message, long? FirearmId = null, long? FromAgencyId = null,
    string? SearchId = null, long? TraceRequestId = null, string? Purpose = null);

public sealed record AlertResponse(
    long Id, string Kind, string Message, long? FirearmId, string? FromAgency, string? FromCountry,
    string? SearchId, long? TraceRequestId, string? Purpose, DateTimeOffset CreatedAt, DateTimeOffset? AcknowledgedAt);

public sealed record AlertPage(IReadOnlyList<AlertResponse> Items, string? NextCursor);

/// <summary>Agencies' inboxes.</summary>
public sealed class AlertStore(Db db, TimeProvider clock)
{
    private static readonly Sql Insert = new("""
        INSERT INTO alert (agency_id, kind, firearm_id, from_agency_id, search_id, trace_request_id, purpose, message, created_at)
        VALUES (@AgencyId, @Kind, @FirearmId, @FromAgencyId, @SearchId, @TraceRequestId, @Purpose, @Message, @now)
        """);

    private const string Columns = """
        al.id AS Id, al.kind AS Kind, al.message AS Message, al.firearm_id AS FirearmId, fa.code AS FromAgency,
        fa.country_code AS FromCountry, al.search_id AS SearchId, al.trace_request_id AS TraceRequestId,
        al.purpose AS Purpose, al.created_at AS CreatedAt, al.acknowledged_at AS AcknowledgedAt
        FROM alert al LEFT JOIN agency fa ON fa.id = al.from_agency_id
        """;

    private const string InboxFilter = """
         WHERE al.agency_id = @agencyId AND al.id < @beforeId
          AND (@open = 0 OR al.acknowledged_at IS NULL)
          AND (@kind IS NULL OR al.kind = @kind)
        """;

    private static readonly SqlText SelectInbox = new(
        $"SELECT {Columns} {InboxFilter} ORDER BY al.id DESC LIMIT @take",
        $"SELECT TOP (@take) {Columns} {InboxFilter} ORDER BY al.id DESC OPTION (RECOMPILE)");

    private static readonly SqlText SelectOne = SqlText.Same($"SELECT {Columns} WHERE al.id = @id AND al.agency_id = @agencyId");

    private static readonly SqlText Acknowledge = SqlText.Same(
        "UPDATE alert SET acknowledged_at = @now WHERE id = @id AND agency_id = @agencyId AND acknowledged_at IS NULL");

    /// <summary>Writes alerts inside the caller's transaction, so they exist exactly when the event that raised them does.</summary>
    public Task AddAsync(DbConnection connection, DbTransaction transaction, IEnumerable<NewAlert> alerts, CancellationToken ct)
    {
        var rows = Rows(alerts);
        return rows.Count == 0
            ? Task.CompletedTask
            : connection.ExecuteAsync(new CommandDefinition(Insert.For(db.Dialect), rows, transaction, cancellationToken: ct));
    }

    /// <summary>Writes alerts in the session's transaction, so they exist exactly when the event that raised them does.</summary>
    public async Task AddAsync(SqlSession session, IEnumerable<NewAlert> alerts)
    {
        foreach (var row in Rows(alerts))
        {
            await session.ExecuteAsync(Insert, row);
        }
    }

    /// <summary>The same, through a session's prepared statement (the audit writer's batches).</summary>
    public async Task AddAsync(DbSession session, DbTransaction transaction, IEnumerable<NewAlert> alerts, CancellationToken ct)
    {
        foreach (var row in Rows(alerts))
        {
            await session.ExecuteAsync(SqlText.Same(Insert.For(db.Dialect)), row, transaction, ct);
        }
    }

    private List<InsertRow> Rows(IEnumerable<NewAlert> alerts)
    {
        var now = clock.GetUtcNow();
        return alerts.Select(a => new InsertRow(a.AgencyId, a.Kind, a.FirearmId, a.FromAgencyId, a.SearchId, a.TraceRequestId, a.Purpose, a.Message, now)).ToList();
    }

    public async Task<AlertPage> ListAsync(Caller caller, bool openOnly, string? kind, long beforeId, int limit, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = (await connection.QueryAsync<AlertRow>(new CommandDefinition(db.Sql(SelectInbox), new
        {
            agencyId = caller.AgencyId,
            beforeId,
            open = openOnly ? 1 : 0,
            kind,
            take = limit + 1,
        }, cancellationToken: ct))).AsList();
        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(r => r.ToResponse()).ToList();
        return new AlertPage(items, hasMore ? Cursor.Encode(items[^1].Id) : null);
    }

    /// <summary>Closes one of the caller's alerts; null when the caller has no such alert. Acknowledging twice is harmless.</summary>
    public async Task<AlertResponse?> AcknowledgeAsync(Caller caller, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(Acknowledge), new { id, agencyId = caller.AgencyId, now = clock.GetUtcNow() }, cancellationToken: ct));
        var row = await connection.QuerySingleOrDefaultAsync<AlertRow>(new CommandDefinition(db.Sql(SelectOne), new { id, agencyId = caller.AgencyId }, cancellationToken: ct));
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
