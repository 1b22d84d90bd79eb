using IArms.Api.Data;
using IArms.Api.Infrastructure;

namespace IArms.Api.Audit;

/// <summary>All of the audit log's SQL: the writer's insert and chain head, the reader's page, the verifier's walk, the purge.</summary>
public sealed class AuditQueries(Db db)
{
    private const string Columns = """
        e.id, e.at, e.agency_id, e.key_id, e.officer, e.source_address, e.action, e.object_id, e.outcome, e.status_code,
        e.search_id, e.purpose, e.case_reference, e.query, e.result_count, e.hash
        """;

    private static readonly Sql Insert = new(d => d.InsertReturningId("""
        INSERT INTO audit_entry (at, agency_id, key_id, officer, source_address, action, object_id, outcome, status_code,
                                 search_id, purpose, case_reference, query, result_count, hash)
        """, """
        VALUES (@At, @AgencyId, @KeyId, @Officer, @SourceAddress, @Action, @ObjectId, @Outcome, @StatusCode,
                @SearchId, @Purpose, @CaseReference, @Query, @ResultCount, @Hash)
        """));

    private static readonly Sql SelectPage = new(d => $"""
        SELECT {d.Top("@take")} {Columns}, a.code AS agency
        FROM audit_entry e LEFT JOIN agency a ON a.id = e.agency_id
        WHERE e.id < @beforeId
          AND (@agency IS NULL OR a.code = @agency)
          AND (@from IS NULL OR e.at >= @from)
          AND (@to IS NULL OR e.at < @to)
          AND (@action IS NULL OR e.action = @action)
          AND (@outcome IS NULL OR e.outcome = @outcome)
          AND (@objectId IS NULL OR e.object_id = @objectId OR e.object_id LIKE @objectPrefix)
        ORDER BY e.id DESC {d.Limit("@take")} {d.Recompile}
        """);

    private static readonly Sql SelectLast = new(d => $"SELECT {d.Top("1")} {Columns} FROM audit_entry e WHERE e.hash IS NOT NULL ORDER BY e.id DESC {d.Limit("1")}");

    private static readonly Sql SelectUnchained = new(d => $"""
        SELECT {d.Top("@take")} {Columns} FROM audit_entry e WHERE e.hash IS NULL AND e.id > @afterId ORDER BY e.id {d.Limit("@take")}
        """);

    private static readonly Sql SetHash = new("UPDATE audit_entry SET hash = @Hash WHERE id = @Id AND hash IS NULL");

    private static readonly Sql SelectRange = new(d => $"""
        SELECT {d.Top("@take")} {Columns} FROM audit_entry e WHERE e.id > @afterId AND e.id <= @toId ORDER BY e.id {d.Limit("@take")}
        """);

    private static readonly Sql SelectAnchor = new("SELECT last_entry_id, last_hash FROM audit_anchor WHERE id = 1");

    private static readonly Sql SelectPurgeable = new(d => $"""
        SELECT {d.Top("@take")} {Columns} FROM audit_entry e {d.LockForWrite} ORDER BY e.id {d.Limit("@take")}
        """);

    private static readonly Sql DeleteThrough = new("DELETE FROM audit_entry WHERE id > @afterId AND id <= @throughId");

    private static readonly Sql InsertAnchor = new("""
        INSERT INTO audit_anchor (id, last_entry_id, last_hash, purged_at)
        SELECT 1, @lastEntryId, @lastHash, @now WHERE NOT EXISTS (SELECT 1 FROM audit_anchor WHERE id = 1)
        """);

    private static readonly Sql UpdateAnchor = new("UPDATE audit_anchor SET last_entry_id = @lastEntryId, last_hash = @lastHash, purged_at = @now WHERE id = 1");

    /// <summary>Writes one entry in the session's transaction (the group-commit writer's batch); answers its id.</summary>
    public static Task<long> InsertAsync(SqlSession session, AuditRecord entry, byte[] hash) => session.QuerySingleAsync<long>(Insert, new
    {
        At = entry.At.ToUniversalTime(), entry.AgencyId, entry.KeyId, entry.Officer, entry.SourceAddress, entry.Action, entry.ObjectId,
        entry.Outcome, entry.StatusCode, entry.SearchId, entry.Purpose, entry.CaseReference, entry.Query, entry.ResultCount, Hash = hash,
    });

    /// <summary>The newest chained entry, or null when none is.</summary>
    public static Task<AuditRow?> LastChainedAsync(SqlSession session) => session.QuerySingleOrDefaultAsync<AuditRow>(SelectLast);

    /// <summary>Entries without a hash (written before the chain existed), oldest first.</summary>
    public static Task<List<AuditRow>> UnchainedAsync(SqlSession session, long afterId, int take) =>
        session.QueryAsync<AuditRow>(SelectUnchained, new { afterId, take });

    public static Task<int> SetHashAsync(SqlSession session, long id, byte[] hash) => session.ExecuteAsync(SetHash, new { Id = id, Hash = hash });

    /// <summary>Entries after <paramref name="afterId"/> up to <paramref name="toId"/>, oldest first.</summary>
    public static Task<List<AuditRow>> RangeAsync(SqlSession session, long afterId, long toId, int take) =>
        session.QueryAsync<AuditRow>(SelectRange, new { afterId, toId, take });

    /// <summary>The last purged entry's id and hash; null before the first purge.</summary>
    public static Task<AnchorRow?> AnchorAsync(SqlSession session) => session.QuerySingleOrDefaultAsync<AnchorRow>(SelectAnchor);

    /// <summary>The oldest kept entries, locked until the purge's transaction ends.</summary>
    public static Task<List<AuditRow>> OldestAsync(SqlSession session, int take) => session.QueryAsync<AuditRow>(SelectPurgeable, new { take });

    /// <summary>Deletes the entries after the old anchor through the new one, and moves the anchor, in the session's transaction.</summary>
    public static async Task PurgeAsync(SqlSession session, long afterId, long throughId, byte[] lastHash, DateTimeOffset now)
    {
        await session.ExecuteAsync(DeleteThrough, new { afterId, throughId });
        var args = new { lastEntryId = throughId, lastHash, now = now.ToUniversalTime() };
        if (await session.ExecuteAsync(UpdateAnchor, args) == 0)
        {
            await session.ExecuteAsync(InsertAnchor, args);
        }
    }

    /// <summary>A page of entries, newest first, from the readable secondary when there is one.</summary>
    public async Task<AuditPage> ListAsync(AuditQuery filter, long beforeId, int take, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var rows = await session.QueryAsync<AuditRow>(SelectPage, new
        {
            beforeId, agency = filter.Agency, from = filter.From?.ToUniversalTime(), to = filter.To?.ToUniversalTime(), action = filter.Action,
            outcome = filter.Outcome, objectId = filter.ObjectId, objectPrefix = filter.ObjectId is null ? null : filter.ObjectId + "/%", take = take + 1,
        });
        var items = rows.Take(take).Select(r => new AuditEntryResponse(
            r.Id, r.At, r.Agency, r.KeyId, r.Officer, r.SourceAddress, r.Action, r.ObjectId, r.Outcome, r.StatusCode,
            r.SearchId, r.Purpose, r.CaseReference, r.Query, r.ResultCount)).ToList();
        return new AuditPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null);
    }

    /// <summary>Opens a session for the verifier's walk (the primary: it compares with the writer's head).</summary>
    public Task<SqlSession> OpenPrimaryAsync(CancellationToken ct) => db.PrimaryAsync(ct);

    /// <summary>Opens the purge's transaction.</summary>
    public Task<SqlSession> OpenWriteAsync(CancellationToken ct) => db.WriteAsync(ct);

    // A class, not the positional record: Dapper maps SQLite's integers only into settable properties.
    public sealed class AuditRow
    {
        public long Id { get; set; }
        public DateTimeOffset At { get; set; }
        public long? AgencyId { get; set; }
        public string? Agency { get; set; }
        public long? KeyId { get; set; }
        public string? Officer { get; set; }
        public string? SourceAddress { get; set; }
        public string Action { get; set; } = "";
        public string? ObjectId { get; set; }
        public string Outcome { get; set; } = "";
        public int? StatusCode { get; set; }
        public string? SearchId { get; set; }
        public string? Purpose { get; set; }
        public string? CaseReference { get; set; }
        public string Query { get; set; } = "";
        public int? ResultCount { get; set; }
        public byte[]? Hash { get; set; }

        /// <summary>True when the stored hash is the one the entry's fields and the previous hash give.</summary>
        public bool FollowsFrom(byte[] previous) =>
            Hash is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(AuditChain.Next(previous, ToRecord()), Hash);

        /// <summary>The fields the hash covers, as they were written.</summary>
        public AuditRecord ToRecord() => new(At, AgencyId, KeyId, Action, SearchId, Purpose, CaseReference, Query, ResultCount)
        {
            Officer = Officer, SourceAddress = SourceAddress, ObjectId = ObjectId, Outcome = Outcome, StatusCode = StatusCode,
        };
    }

    public sealed class AnchorRow
    {
        public long LastEntryId { get; set; }
        public byte[] LastHash { get; set; } = [];
    }
}

/// <summary>The filters of <c>GET /audit</c>.</summary>
public sealed record AuditQuery(string? Agency, DateTimeOffset? From, DateTimeOffset? To, string? Action, string? Outcome, string? ObjectId);
