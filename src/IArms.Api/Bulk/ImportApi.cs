using IArms.Api.Infrastructure.OpenApi;
using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Features;

namespace IArms.Api.Bulk;

/// <summary>An import job as its agency sees it.</summary>
public sealed record ImportJobResponse(
    long Id, string Status, string Format, long RowsRead, long Created, long Updated, long Unchanged, long Rejected,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Failure);

public sealed record ImportJobPage(IReadOnlyList<ImportJobResponse> Items, string? NextCursor);

/// <summary>A rejected row: its line in the file, its externalId when it could be read, and the errors a single POST would answer.</summary>
public sealed record ImportErrorResponse(long Line, string? ExternalId, IReadOnlyDictionary<string, string[]> Errors);

public sealed record ImportErrorPage(IReadOnlyList<ImportErrorResponse> Items, string? NextCursor);

/// <summary>Endpoint metadata: the route takes bodies up to <see cref="MaxBytes"/>, past the API's usual limit.</summary>
public sealed record LargeBodyMetadata(long MaxBytes);

/// <summary>Import jobs: a national system uploads a file of records, then follows the job it started.</summary>
public static class ImportApi
{
    public const string NdJsonType = "application/x-ndjson";
    public const string CsvType = "text/csv";

    public static RouteGroupBuilder MapImports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/imports").WithTags("Imports").RequireAuthorization(Roles.Record);
        // The body (application/x-ndjson or text/csv) is read by the handler. Accepts metadata would make routing answer
        // 415 before authentication, to callers that may not call the route at all.
        group.MapPost("/", Create).Idempotent().ProducesProblem(413).ProducesProblem(415)
            .WithMetadata(new LargeBodyMetadata(4L * 1024 * 1024 * 1024))
            .ReadsTextBody("The records: NDJSON, one firearm record per line with the fields of `POST /firearms`; or CSV with a header " +
                "row naming those fields (nested ones flattened). Up to 4 GiB, 1 MiB per row.", NdJsonType, CsvType)
            .Audited(AuditActions.ImportCreate).WithName("CreateImport")
            .WithSummary("Uploads NDJSON or CSV records; answers 202 with the job, which upserts them by externalId in the background.");
        group.MapGet("/", List).ProducesValidationProblem()
            .Audited(AuditActions.ImportList).WithName("ListImports").WithSummary("The agency's import jobs, newest first.");
        group.MapGet("/{id:long}", Get).ProducesProblem(404).WithETag()
            .Audited(AuditActions.ImportRead).WithName("GetImport").WithSummary("One import job: status and counts.");
        group.MapGet("/{id:long}/errors", Errors).ProducesProblem(404).ProducesValidationProblem()
            .Audited(AuditActions.ImportErrors).WithName("ListImportErrors").WithSummary("The job's rejected rows, in file order, with the errors a single POST would answer.");
        group.MapDelete("/{id:long}", Cancel).ProducesProblem(404)
            .Audited(AuditActions.ImportCancel).WithName("CancelImport").WithSummary("Cancels a job: the rows committed so far stay, no further row is read.");
        return group;
    }

    /// <summary>Registers the import jobs: store, folder, worker.</summary>
    public static IServiceCollection AddImports(this IServiceCollection services)
    {
        services.AddOptions<ImportOptions>().BindConfiguration(ImportOptions.Section)
            .Validate(o => o.ChunkRows >= 1, $"{ImportOptions.Section}:ChunkRows must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<ImportQueries>();
        services.AddSingleton<ImportFolder>();
        services.AddSingleton<ImportFaults>();
        services.AddSingleton<ImportWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportWorker>());
        return services;
    }

    private static async Task<Results<Accepted<ImportJobResponse>, ProblemHttpResult>> Create(
        HttpRequest request, Caller caller, ImportQueries queries, ImportFolder folder, ImportWorker worker,
        Microsoft.Extensions.Options.IOptions<ImportOptions> options, CancellationToken ct)
    {
        var format = Format(request.ContentType);
        if (format is null)
        {
            return TypedResults.Problem($"The body must be {NdJsonType} or {CsvType} (UTF-8).", statusCode: 415, title: "Unsupported media type.");
        }
        var fileName = $"{Guid.NewGuid():N}.{format}";
        var path = folder.PathOf(fileName);
        try
        {
            if (request.Body.CanSeek)
            {
                request.Body.Position = 0; // read once already, to hash it for Idempotency-Key
            }
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
            {
                var buffer = new byte[64 * 1024];
                long total = 0;
                int read;
                while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > options.Value.MaxFileBytes)
                    {
                        throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                // The job is acknowledged only once its file is on disk.
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            var id = await queries.CreateAsync(caller.AgencyId, caller.KeyId, format, fileName, ct);
            worker.Notify();
            var job = await queries.GetAsync(id, caller.AgencyId, ct);
            return TypedResults.Accepted(Location(id), ToResponse(job!));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            File.Delete(path);
            return TypedResults.Problem($"Import files are limited to {options.Value.MaxFileBytes} bytes.", statusCode: 413, title: "The request body is too large.");
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    private static async Task<Results<Ok<ImportJobPage>, ProblemHttpResult>> List(
        Caller caller, ImportQueries queries, [Microsoft.AspNetCore.Http.AsParameters] PageRequest page, CancellationToken ct)
    {
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } bad)
        {
            return bad;
        }
        var rows = await queries.ListAsync(caller.AgencyId, beforeId, take + 1, ct);
        var items = rows.Take(take).Select(ToResponse).ToList();
        return TypedResults.Ok(new ImportJobPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null));
    }

    private static async Task<Results<Ok<ImportJobResponse>, ProblemHttpResult>> Get(long id, Caller caller, ImportQueries queries, CancellationToken ct) =>
        await queries.GetAsync(id, caller.AgencyId, ct) is { } job ? TypedResults.Ok(ToResponse(job)) : NotFound(id);

    private static async Task<Results<Ok<ImportErrorPage>, ProblemHttpResult>> Errors(
        long id, Caller caller, ImportQueries queries, [Microsoft.AspNetCore.Http.AsParameters] PageRequest page, CancellationToken ct)
    {
        if (page.TryRead(0, out var take, out var afterLine) is { } bad)
        {
            return bad;
        }
        if (await queries.GetAsync(id, caller.AgencyId, ct) is null)
        {
            return NotFound(id);
        }
        var rows = await queries.ErrorsAsync(id, caller.AgencyId, afterLine, take + 1, ct);
        var items = rows.Take(take)
            .Select(r => new ImportErrorResponse(r.Line, r.ExternalId, JsonSerializer.Deserialize<Dictionary<string, string[]>>(r.Errors)!))
            .ToList();
        return TypedResults.Ok(new ImportErrorPage(items, rows.Count > take ? Cursor.Encode(items[^1].Line) : null));
    }

    private static async Task<Results<Ok<ImportJobResponse>, ProblemHttpResult>> Cancel(long id, Caller caller, ImportQueries queries, CancellationToken ct)
    {
        if (!await queries.CancelAsync(id, caller.AgencyId, ct))
        {
            return NotFound(id);
        }
        return TypedResults.Ok(ToResponse((await queries.GetAsync(id, caller.AgencyId, ct))!));
    }

    private static string? Format(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return null;
        }
        if (media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return media.MediaType.Equals(NdJsonType, StringComparison.OrdinalIgnoreCase) ? ImportFormats.NdJson
            : media.MediaType.Equals(CsvType, StringComparison.OrdinalIgnoreCase) ? ImportFormats.Csv
            : null;
    }

    private static string Location(long id) => $"{IArmsApp.ApiBase}/imports/{id}";

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Your agency has no import job {id}.");

    private static ImportJobResponse ToResponse(ImportJobRow j) => new(
        j.Id, j.Status, j.Format, j.RowsRead, j.Created, j.Updated, j.Unchanged, j.Rejected, j.CreatedAt, j.StartedAt, j.FinishedAt, j.Failure);
}
