using IArms.Core.Firearms;
using IArms.Api.Infrastructure.OpenApi;
using System.Text;
using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Infrastructure;

namespace IArms.Api.Bulk;

/// <summary>
/// Export: every record the caller may see, streamed from one snapshot in the import's columns, so that the file imports
/// into another instance as the same records.
/// </summary>
public static class ExportApi
{
    private const int PageSize = 1000;

    public static RouteGroupBuilder MapExports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/exports").WithTags("Exports").RequireAuthorization(Roles.Search);
        group.MapGet("/firearms", ExportFirearms).ProducesValidationProblem()
            .Produces(200, contentType: ImportApi.NdJsonType, additionalContentTypes: [ImportApi.CsvType])
            .Audited(AuditActions.ExportFirearms).WithName("ExportFirearms")
            .WithSummary("Streams every record the caller may see (or owns, owner=me), from one snapshot, as NDJSON or CSV in the import's columns.");
        return group;
    }

    private static Results<PushStreamHttpResult, ProblemHttpResult> ExportFirearms(
        Caller caller, Db db, FirearmQueries queries, TimeProvider clock, [Vocabulary(typeof(ImportFormats), nameof(ImportFormats.All))] string? format, [Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Statuses))] string? status, [Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? type, string? countryCode,
        DateTimeOffset? updatedSince, string? owner)
    {
        format ??= ImportFormats.NdJson;
        if (format is not (ImportFormats.NdJson or ImportFormats.Csv))
        {
            return Problems.BadRequest("format", "'format' must be ndjson or csv.");
        }
        if (FirearmApi.ListFilterProblem(status, type, countryCode) is { } badFilter)
        {
            return badFilter;
        }
        if (owner is not (null or "me" or "visible"))
        {
            return Problems.BadRequest("owner", "'owner' must be me or visible.");
        }
        var csv = format == ImportFormats.Csv;
        var query = new FirearmListQuery(status, type, countryCode, null, updatedSince, 0, PageSize);
        var name = $"firearms-{caller.AgencyCode}-{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{format}";
        return TypedResults.Stream(async body =>
        {
            // One read transaction: every page comes from the same snapshot, whatever is written meanwhile.
            await using var session = await db.SnapshotAsync(CancellationToken.None);
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), 64 * 1024);
            if (csv)
            {
                await writer.WriteAsync(ImportColumns.Header + "\r\n");
            }
            var page = query;
            while (true)
            {
                var (live, _, last) = await queries.PageRowsAsync(session, page, caller);
                foreach (var row in await FirearmQueries.ToRequestsAsync(session, owner == "me" ? live.FindAll(r => r.OwnerAgencyId == caller.AgencyId) : live))
                {
                    await writer.WriteAsync(csv ? ImportColumns.ToCsv(row) + "\r\n" : JsonSerializer.Serialize(row, FirearmQueries.Json) + "\n");
                }
                if (last is null)
                {
                    break;
                }
                page = page with { AfterId = last.Value };
            }
        }, csv ? $"{ImportApi.CsvType}; charset=utf-8" : ImportApi.NdJsonType, name);
    }
}
