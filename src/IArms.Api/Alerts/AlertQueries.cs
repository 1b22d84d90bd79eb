using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;
using IArms.Api.Operations;
using IArms.Api.Webhooks;

namespace IArms.Api.Alerts;

/// <summary>All of the alerts feature's SQL: agencies' inboxes, and the insert other features call inside their own transactions.</summary>
public sealed class AlertQueries(Db db, TimeProvider clock, IArmsMetrics metrics, WebhookSignal webhooks)
{
    private static readonly Sql Insert = new(d => d.InsertReturningId("""
        INSERT INTO alert (agency_id, kind, firearm_id, from_agency_id, search_id, trace_request_id, purpose, message, created_at,
                           hit_count, first_search_id, last_hit_at, notice_id)
        """, """
        VALUES (@AgencyId, @Kind, @FirearmId, @FromAgencyId, @SearchId, @TraceRequestId, @Purpose, @Message, @now,
                1, @SearchId, @LastHitAt, @NoticeId)
        """));

    /// <summary>The latest hit of this agency on this firearm by this searching agency, held until commit.</summary>
    private static readonly Sql SelectHitGroup = new(d => $"""
        SELECT {d.Top("1")} id FROM alert {d.LockForWrite}
        WHERE agency_id = @AgencyId AND firearm_id = @FirearmId AND from_agency_id = @FromAgencyId AND kind = 'hit'
        ORDER BY id DESC {d.Limit("1")}
        """);

    /// <summary>A new search joins the group: counted, its id and purpose the latest, reopened if it was acknowledged.</summary>
    private static readonly Sql JoinHitGroup = new("""
        UPDATE alert SET hit_count = hit_count + 1, search_id = @SearchId, purpose = @Purpose, message = @Message,
               last_hit_at = @now, acknowledged_at = NULL, notice_id = COALESCE(@NoticeId, notice_id)
        WHERE id = @id
        """);

    private const string Columns = """
        al.id, al.kind, al.message, al.firearm_id, fa.code AS from_agency, NULLIF(fa.country_code, '') AS from_country, al.search_id,
        al.trace_request_id, al.purpose, al.created_at, al.acknowledged_at, al.hit_count, al.first_search_id, al.last_hit_at, al.notice_id
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

    /// <summary>
    /// Writes alerts in the session's transaction, so they exist exactly when the event that raised them does, and
    /// with each the webhook deliveries it causes (the outbox): a crash loses both or neither. This is the one place
    /// alerts are written. A hit joins the latest hit of the same firearm and searching agency (issue 15).
    /// </summary>
    /// <remarks>Counted as raised once written: a transaction rolled back after that (rare: a failing commit) over-counts.</remarks>
    public async Task AddAsync(SqlSession session, IEnumerable<NewAlert> alerts)
    {
        var now = clock.GetUtcNow();
        var enqueued = false;
        foreach (var a in alerts)
        {
            var id = a.Kind == AlertKinds.Hit && a.FirearmId is not null && a.FromAgencyId is not null
                ? await JoinHitAsync(session, a, now)
                : null;
            id ??= await session.QuerySingleAsync<long>(Insert, new InsertRow(
                a.AgencyId, a.Kind, a.FirearmId, a.FromAgencyId, a.SearchId, a.TraceRequestId, a.Purpose, a.Message, now,
                a.Kind == AlertKinds.Hit ? now : null, a.NoticeId));
            metrics.AlertRaised(a.Kind);
            enqueued |= await WebhookQueries.EnqueueAsync(session, a.AgencyId, a.Kind, a.FirearmId, now,
                async () => (await session.QuerySingleAsync<AlertRow>(SelectOne, new { id, agencyId = a.AgencyId })).ToResponse());
        }
        if (enqueued)
        {
            // Wakes the dispatcher; it finds the deliveries once this transaction commits (or on its next poll).
            webhooks.Notify();
        }
    }

    private async Task<long?> JoinHitAsync(SqlSession session, NewAlert a, DateTimeOffset now)
    {
        var id = await session.QuerySingleOrDefaultAsync<long?>(SelectHitGroup, a);
        if (id is not null)
        {
            await session.ExecuteAsync(JoinHitGroup, new { id, a.SearchId, a.Purpose, a.Message, a.NoticeId, now });
        }
        return id;
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
        DateTimeOffset now, DateTimeOffset? LastHitAt, long? NoticeId);

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
        public int HitCount { get; set; }
        public string? FirstSearchId { get; set; }
        public DateTimeOffset? LastHitAt { get; set; }
        public long? NoticeId { get; set; }

        public AlertResponse ToResponse() =>
            new(Id, Kind, Message, FirearmId, FromAgency, FromCountry, SearchId, TraceRequestId, Purpose, CreatedAt, AcknowledgedAt,
                HitCount, FirstSearchId, LastHitAt, NoticeId);
    }
}
