using IArms.Api.Alerts;
using IArms.Api.Data;

namespace IArms.Api.Bulk;

/// <summary>All of the import jobs' SQL: jobs, their checkpoints, and their rejected rows.</summary>
public sealed class ImportQueries(Db db, TimeProvider clock, AlertQueries alerts)
{
    private const string Columns = """
        id, agency_id, key_id, format, status, file_name, next_line, next_offset, rows_read, created, updated, unchanged, rejected,
        cancel_requested, failure, created_at, started_at, finished_at
        """;

    private static readonly Sql Insert = new(d => d.InsertReturningId(
        """
        INSERT INTO import_job (agency_id, key_id, format, status, file_name, next_line, next_offset, rows_read, created, updated, unchanged,
                                rejected, cancel_requested, created_at)
        """,
        "VALUES (@agencyId, @keyId, @format, 'queued', @fileName, 1, 0, 0, 0, 0, 0, 0, 0, @now)"));

    private static readonly Sql SelectOne = new($"SELECT {Columns} FROM import_job WHERE id = @id AND agency_id = @agencyId");

    private static readonly Sql SelectById = new($"SELECT {Columns} FROM import_job WHERE id = @id");

    private static readonly Sql SelectPage = new(d => $"""
        SELECT {d.Top("@take")} {Columns} FROM import_job WHERE agency_id = @agencyId AND id < @beforeId ORDER BY id DESC {d.Limit("@take")}
        """);

    // A job left running by a process that stopped is taken up again first, from its checkpoint.
    private static readonly Sql SelectNext = new(d => $"""
        SELECT {d.Top("1")} {Columns} FROM import_job WHERE status IN ('running', 'queued') ORDER BY CASE status WHEN 'running' THEN 0 ELSE 1 END, id {d.Limit("1")}
        """);

    private static readonly Sql Start = new(
        "UPDATE import_job SET status = 'running', started_at = COALESCE(started_at, @now) WHERE id = @id AND status IN ('queued', 'running')");

    private static readonly Sql Checkpoint = new("""
        UPDATE import_job SET next_line = @NextLine, next_offset = @NextOffset, rows_read = @RowsRead, created = @Created, updated = @Updated,
                              unchanged = @Unchanged, rejected = @Rejected
        WHERE id = @Id
        """);

    private static readonly Sql SelectCancelRequested = new("SELECT cancel_requested FROM import_job WHERE id = @id");

    private static readonly Sql Finish = new(
        "UPDATE import_job SET status = @status, failure = @failure, finished_at = @now WHERE id = @id AND status IN ('queued', 'running')");

    private static readonly Sql RequestCancel = new("""
        UPDATE import_job SET cancel_requested = 1,
            status = CASE status WHEN 'queued' THEN 'cancelled' ELSE status END,
            finished_at = CASE status WHEN 'queued' THEN @now ELSE finished_at END
        WHERE id = @id AND agency_id = @agencyId
        """);

    private static readonly Sql InsertError = new(
        "INSERT INTO import_error (job_id, line, external_id, errors) VALUES (@JobId, @Line, @ExternalId, @Errors)");

    private static readonly Sql SelectErrors = new(d => $"""
        SELECT {d.Top("@take")} e.line, e.external_id, e.errors FROM import_error e JOIN import_job j ON j.id = e.job_id
        WHERE e.job_id = @id AND j.agency_id = @agencyId AND e.line > @afterLine ORDER BY e.line {d.Limit("@take")}
        """);

    public async Task<long> CreateAsync(long agencyId, long keyId, string format, string fileName, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QuerySingleAsync<long>(Insert, new { agencyId, keyId, format, fileName, now = clock.GetUtcNow() });
    }

    public async Task<ImportJobRow?> GetAsync(long id, long agencyId, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QuerySingleOrDefaultAsync<ImportJobRow>(SelectOne, new { id, agencyId });
    }

    public async Task<List<ImportJobRow>> ListAsync(long agencyId, long beforeId, int take, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QueryAsync<ImportJobRow>(SelectPage, new { agencyId, beforeId, take });
    }

    public async Task<List<ImportErrorRow>> ErrorsAsync(long id, long agencyId, long afterLine, int take, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QueryAsync<ImportErrorRow>(SelectErrors, new { id, agencyId, afterLine, take });
    }

    /// <summary>Asks a job to stop; a queued job is cancelled at once. False when the agency has no such job.</summary>
    public async Task<bool> CancelAsync(long id, long agencyId, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.ExecuteAsync(RequestCancel, new { id, agencyId, now = clock.GetUtcNow() }) == 1;
    }

    /// <summary>The job to work on next, marked running; null when there is none.</summary>
    public async Task<ImportJobRow?> TakeNextAsync(CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        var job = await session.QueryFirstOrDefaultAsync<ImportJobRow>(SelectNext);
        if (job is null)
        {
            return null;
        }
        await session.ExecuteAsync(Start, new { id = job.Id, now = clock.GetUtcNow() });
        return await session.QuerySingleOrDefaultAsync<ImportJobRow>(SelectById, new { id = job.Id });
    }

    /// <summary>Whether the job's agency asked it to stop, read inside the chunk's transaction.</summary>
    public static async Task<bool> CancelRequestedAsync(SqlSession session, long id) =>
        await session.QuerySingleAsync<bool>(SelectCancelRequested, new { id });

    /// <summary>Writes the chunk's rejected rows and the job's checkpoint, in the chunk's transaction.</summary>
    public static async Task CheckpointAsync(SqlSession session, ImportJobRow job, IEnumerable<ImportErrorInsert> errors)
    {
        await session.ExecuteAsync(InsertError, errors);
        await session.ExecuteAsync(Checkpoint, job);
    }

    /// <summary>Ends the job and, in the same transaction, raises the agency's <c>import-finished</c> alert (and so its webhook deliveries).</summary>
    public async Task FinishAsync(long id, string status, string? failure, CancellationToken ct)
    {
        await using var session = await db.WriteAsync(ct);
        if (await session.ExecuteAsync(Finish, new { id, status, failure, now = clock.GetUtcNow() }) == 1
            && await session.QuerySingleOrDefaultAsync<ImportJobRow>(SelectById, new { id }) is { } job)
        {
            await alerts.AddAsync(session, [new NewAlert(job.AgencyId, AlertKinds.ImportFinished,
                $"Import job {job.Id} ({job.FileName}) {status}: {job.RowsRead} rows read, {job.Created} created, {job.Updated} updated, " +
                $"{job.Unchanged} unchanged, {job.Rejected} rejected.{(failure is null ? "" : " " + failure)} See GET /api/v1/imports/{job.Id}.")]);
        }
        await session.CommitAsync();
    }

    public sealed record ImportErrorInsert(long JobId, long Line, string? ExternalId, string Errors);

    public sealed class ImportErrorRow
    {
        public long Line { get; set; }
        public string? ExternalId { get; set; }
        public string Errors { get; set; } = "{}";
    }
}

/// <summary>A job as stored: its checkpoint (<see cref="NextLine"/>, <see cref="NextOffset"/>) and counts move together.</summary>
public sealed class ImportJobRow
{
    public long Id { get; set; }
    public long AgencyId { get; set; }
    public long KeyId { get; set; }
    public string Format { get; set; } = "";
    public string Status { get; set; } = "";
    public string FileName { get; set; } = "";
    public long NextLine { get; set; }
    public long NextOffset { get; set; }
    public long RowsRead { get; set; }
    public long Created { get; set; }
    public long Updated { get; set; }
    public long Unchanged { get; set; }
    public long Rejected { get; set; }
    public bool CancelRequested { get; set; }
    public string? Failure { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    public ImportJobRow Copy() => (ImportJobRow)MemberwiseClone();
}
