using IArms.Core.Firearms;
using IArms.Api.Infrastructure.OpenApi;
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
        Caller caller, Db db, TimeProvider clock, [Vocabulary(typeof(ImportFormats), nameof(ImportFormats.All))] string? format, [Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Statuses))] string? status, [Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? type, string? countryCode,
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
        var query = new ExportQuery(status, type, countryCode, updatedSince);
        var filters = (status is null ? 0 : ExportQueries.Filters.Status)
            | (type is null ? 0 : ExportQueries.Filters.Type)
            | (countryCode is null ? 0 : ExportQueries.Filters.Country)
            | (updatedSince is null ? 0 : ExportQueries.Filters.UpdatedSince)
            | (owner == "me" ? ExportQueries.Filters.Owner : 0);
        var name = $"firearms-{caller.AgencyCode}-{clock.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}.{format}";
        return TypedResults.Stream(async body =>
        {
            // One read transaction: every page comes from the same snapshot, whatever is written meanwhile.
            await using var session = await db.SnapshotAsync(CancellationToken.None);
            var walk = await ExportQueries.ChooseWalkAsync(session, filters, caller);
            await using var lines = new ExportLines(body, csv);
            if (csv)
            {
                await lines.WriteHeaderAsync();
            }
            ExportQueries.Line? last = null;
            while (true)
            {
                var page = await ExportQueries.PageAsync(session, walk, query, caller, last, PageSize);
                foreach (var line in page)
                {
                    await lines.WriteLineAsync(line.Value);
                }
                if (page.Count < PageSize)
                {
                    break;
                }
                last = page[^1];
            }
        }, csv ? $"{ImportApi.CsvType}; charset=utf-8" : ImportApi.NdJsonType, name);
    }
}
