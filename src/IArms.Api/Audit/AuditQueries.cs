using IArms.Api.Data;
using IArms.Api.Infrastructure;

namespace IArms.Api.Audit;

/// <summary>All of the audit log's SQL: the writer's insert and the reader's page.</summary>
public sealed class AuditQueries(Db db)
{
    private static readonly Sql Insert = new("""
        INSERT INTO audit_entry (at, agency_id, key_id, action, search_id, purpose, case_reference, query, result_count)
        VALUES (@At, @AgencyId, @KeyId, @Action, @SearchId, @Purpose, @CaseReference, @Query, @ResultCount)
        """);

    private static readonly Sql SelectPage = new(d => $"""
        SELECT {d.Top("@take")} e.id, e.at, a.code AS agency, e.key_id, e.action, e.search_id, e.purpose, e.case_reference,
               e.query, e.result_count
        FROM audit_entry e JOIN agency a ON a.id = e.agency_id
        WHERE e.id < @beforeId
          AND (@agency IS NULL OR a.code = @agency)
          AND (@from IS NULL OR e.at >= @from)
          AND (@to IS NULL OR e.at < @to)
          AND (@action IS NULL OR e.action = @action)
        ORDER BY e.id DESC {d.Limit("@take")} {d.Recompile}
        """);

    /// <summary>Writes one entry in the session's transaction (the group-commit writer's batch).</summary>
    public static Task InsertAsync(SqlSession session, AuditRecord entry) => session.ExecuteAsync(Insert, entry);

    /// <summary>A page of entries, newest first, from the readable secondary when there is one.</summary>
    public async Task<AuditPage> ListAsync(string? agency, DateTimeOffset? from, DateTimeOffset? to, string? action, long beforeId, int take, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var rows = await session.QueryAsync<AuditRow>(SelectPage, new
        {
            beforeId, agency, from = from?.ToUniversalTime(), to = to?.ToUniversalTime(), action, take = take + 1,
        });
        var items = rows.Take(take).Select(r => new AuditEntryResponse(
            r.Id, r.At, r.Agency, r.KeyId, r.Action, r.SearchId, r.Purpose, r.CaseReference, r.Query, r.ResultCount)).ToList();
        return new AuditPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null);
    }

    // A class, not the positional response: Dapper maps SQLite's integers only into settable properties.
    private sealed class AuditRow
    {
        public long Id { get; set; }
        public DateTimeOffset At { get; set; }
        public string Agency { get; set; } = "";
        public long KeyId { get; set; }
        public string Action { get; set; } = "";
        public string? SearchId { get; set; }
        public string? Purpose { get; set; }
        public string? CaseReference { get; set; }
        public string Query { get; set; } = "";
        public int ResultCount { get; set; }
    }
}
