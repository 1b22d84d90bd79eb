using System.Text.Json;
using FluentValidation;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Search;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

using IArms.Api.Infrastructure;

namespace IArms.Api.Bulk;

/// <summary>Options of the <c>IArms:Imports</c> section.</summary>
public sealed class ImportOptions
{
    public const string Section = "IArms:Imports";

    /// <summary>Where uploaded files are kept; by default <c>imports</c> beside the SQLite database file, else <c>data/imports</c>.</summary>
    public string? Folder { get; set; }

    /// <summary>
    /// Rows committed per transaction, with the job's checkpoint (default 2,000: each commit writes every page the chunk
    /// changed once, and the pages shared by its rows, the tails of the tables and indexes, are written once per chunk;
    /// 2,000 rows cost a fifth less CPU per row than 500, docs/benchmarks.md).
    /// </summary>
    public int ChunkRows { get; set; } = 2000;

    /// <summary>The largest upload, in bytes (default 4 GiB).</summary>
    public long MaxFileBytes { get; set; } = 4L * 1024 * 1024 * 1024;
}

/// <summary>A fault injected by tests: the worker throws after committing this many chunks, as a process killed mid-job would stop.</summary>
public sealed class ImportFaults
{
    public int? StopAfterChunks { get; set; }
}

/// <summary>
/// Processes import jobs one at a time, oldest first, a job left running by a stopped process before any queued one.
/// Rows are read from the job's checkpoint and committed in chunks: the chunk's upserts (through
/// <see cref="FirearmService.UpsertManyAsync"/>, so search indexes, reference resolution and data quality stay in step),
/// its rejected rows and the new checkpoint are one transaction, so a crash loses at most the chunk in flight, which
/// is then read again. A later row with the same externalId simply upserts over the earlier one.
/// </summary>
public sealed class ImportWorker(
    ImportQueries queries, Db db, FirearmService firearms, IValidator<FirearmRequest> validator, IOptions<JsonOptions> json,
    IOptions<ImportOptions> options, ImportFaults faults, ImportFolder folder, ILogger<ImportWorker> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Wakes the worker when a job is queued.</summary>
    public void Notify() => _wake.Release();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ImportJobRow? job = null;
            try
            {
                job = await queries.TakeNextAsync(stoppingToken);
                if (job is not null)
                {
                    await RunAsync(job, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (ImportStoppedException)
            {
                // The injected fault: the job stays running, to be resumed by the next host.
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Import job {Job} failed", job?.Id);
                if (job is not null)
                {
                    await queries.FinishAsync(job.Id, "failed", "The import stopped on an internal error; the rows committed so far stay.", CancellationToken.None);
                }
            }
            await _wake.WaitAsync(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunAsync(ImportJobRow job, CancellationToken ct)
    {
        var csv = job.Format == ImportFormats.Csv;
        await using var file = new FileStream(folder.PathOf(job.FileName), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        Dictionary<string, int>? header = null;
        if (csv)
        {
            var headerRow = new ImportRowReader(file, csv: true, 0, 1).Next();
            if (headerRow?.Fields is not { } names || names.Distinct().Count() != names.Count || names.Any(n => !ImportColumns.All.Contains(n)))
            {
                await queries.FinishAsync(job.Id, "failed",
                    $"The first row must name the columns, each once, from: {string.Join(", ", ImportColumns.All)}.", ct);
                return;
            }
            header = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
            if (job.NextOffset == 0)
            {
                (job.NextLine, job.NextOffset) = (headerRow.NextLine, headerRow.NextOffset);
            }
        }
        var reader = new ImportRowReader(file, csv, job.NextOffset, job.NextLine);
        var chunks = 0;
        while (true)
        {
            var rows = new List<ImportRow>(options.Value.ChunkRows);
            while (rows.Count < options.Value.ChunkRows && reader.Next() is { } row)
            {
                if (!row.Blank)
                {
                    rows.Add(row);
                }
                (job.NextLine, job.NextOffset) = (row.NextLine, row.NextOffset);
            }
            if (rows.Count == 0)
            {
                // Blank lines at the end still move the checkpoint; then the job is done.
                await CommitAsync(job, [], ct);
                await queries.FinishAsync(job.Id, "succeeded", null, ct);
                return;
            }
            var parsed = new List<(ImportRow Row, FirearmRequest? Request, Dictionary<string, string[]>? Errors)>(rows.Count);
            foreach (var row in rows)
            {
                parsed.Add(await ParseAsync(row, header, ct));
            }
            if (!await CommitAsync(job, parsed, ct))
            {
                await queries.FinishAsync(job.Id, "cancelled", null, ct);
                return;
            }
            if (faults.StopAfterChunks is { } stop && ++chunks >= stop)
            {
                throw new ImportStoppedException();
            }
        }
    }

    /// <summary>Commits one chunk with the checkpoint; false (and nothing written) when the job was cancelled.</summary>
    private async Task<bool> CommitAsync(ImportJobRow job, List<(ImportRow Row, FirearmRequest? Request, Dictionary<string, string[]>? Errors)> chunk, CancellationToken ct)
    {
        var next = job.Copy();
        var errors = new List<ImportQueries.ImportErrorInsert>();
        var keys = new List<SerialIndex.KeyChanges>();
        var accepted = new List<FirearmRequest>(chunk.Count);
        foreach (var (row, request, rowErrors) in chunk)
        {
            next.RowsRead++;
            if (rowErrors is null)
            {
                accepted.Add(request!);
                continue;
            }
            next.Rejected++;
            // The externalId of a rejected row may itself be what is wrong with it: kept to the column's 100 characters.
            var externalId = request?.ExternalId is { Length: > 100 } text ? text[..100] : request?.ExternalId;
            errors.Add(new(job.Id, row.Line, externalId, JsonSerializer.Serialize(rowErrors)));
        }
        // Everything computed from the rows alone is computed before the writer's turn, which every write waits for.
        var records = firearms.PrepareMany(accepted, job.AgencyId);
        await using var session = await db.WriteAloneAsync(ct);
        if (await ImportQueries.CancelRequestedAsync(session, job.Id))
        {
            return false;
        }
        foreach (var (outcome, changed) in await firearms.UpsertManyAsync(session, records, job.AgencyId))
        {
            _ = outcome switch
            {
                FirearmService.UpsertOutcome.Created => next.Created++,
                FirearmService.UpsertOutcome.Updated => next.Updated++,
                _ => next.Unchanged++,
            };
            if (changed is { } k)
            {
                keys.Add(k);
            }
        }
        await ImportQueries.CheckpointAsync(session, next, errors);
        await session.CommitAsync();
        firearms.Applied(keys);
        (job.RowsRead, job.Created, job.Updated, job.Unchanged, job.Rejected) = (next.RowsRead, next.Created, next.Updated, next.Unchanged, next.Rejected);
        return true;
    }

    private async Task<(ImportRow, FirearmRequest?, Dictionary<string, string[]>?)> ParseAsync(ImportRow row, Dictionary<string, int>? header, CancellationToken ct)
    {
        if (row.Error is not null)
        {
            return (row, null, new() { ["row"] = [row.Error] });
        }
        FirearmRequest? request;
        var errors = new Dictionary<string, string[]>();
        if (header is not null)
        {
            if (row.Fields!.Count != header.Count)
            {
                return (row, null, new() { ["row"] = [$"The row has {row.Fields.Count} fields; the header names {header.Count}."] });
            }
            request = ImportColumns.FromCsv(header, row.Fields, errors);
        }
        else
        {
            try
            {
                request = JsonSerializer.Deserialize<FirearmRequest>(row.Fields![0], json.Value.SerializerOptions);
            }
            catch (JsonException e)
            {
                var field = ImportColumns.FieldOf(e);
                var described = ProblemExceptionHandler.Describe(e);
                return (row, null, new()
                {
                    [field] = [field == "row" ? "The line is not a JSON object."
                        : described.UnknownField ? described.Message
                        : $"'{field}' has a value of the wrong type or form."],
                });
            }
            if (request is null)
            {
                return (row, null, new() { ["row"] = ["The line is not a JSON object."] });
            }
        }
        var result = await validator.ValidateAsync(request, ct);
        foreach (var (field, messages) in result.ToDictionary())
        {
            errors.TryAdd(field, messages);
        }
        return errors.Count == 0 ? (row, request, null) : (row, request, errors);
    }

    private sealed class ImportStoppedException : Exception;
}

public static class ImportFormats
{
    public const string NdJson = "ndjson";
    public const string Csv = "csv";

    public static readonly IReadOnlyList<string> All = [NdJson, Csv];
}

/// <summary>The folder uploaded files are kept in.</summary>
public sealed class ImportFolder
{
    private readonly string _path;

    public ImportFolder(IOptions<ImportOptions> options, Db db)
    {
        _path = options.Value.Folder is { Length: > 0 } configured
            ? configured
            : db.Provider == DatabaseProvider.Sqlite
                ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.ConnectionString).DataSource)) ?? ".", "imports")
                : Path.Combine("data", "imports");
        Directory.CreateDirectory(_path);
    }

    public string PathOf(string fileName) => Path.Combine(_path, fileName);
}
