using System.Buffers;
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

    /// <summary>Bytes gathered before they are written to the response.</summary>
    private const int FlushBytes = 64 * 1024;

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
        Caller caller, Db db, FirearmQueries queries, TimeProvider clock, string? format, string? status, string? type, string? countryCode,
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
            // Rows are written as UTF-8 straight into one reused buffer, sent whenever it holds FlushBytes: no string
            // per row, and memory stays at one page of records plus the buffer however many rows follow.
            var buffer = new ArrayBufferWriter<byte>(FlushBytes + 16 * 1024);
            await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = FirearmQueries.Json.Encoder, SkipValidation = true });
            if (csv)
            {
                WriteUtf8(buffer, ImportColumns.Header + "\r\n");
            }
            var page = query;
            while (true)
            {
                var (items, last) = await queries.PageAsync(session, page, caller);
                foreach (var record in items)
                {
                    if (owner == "me" && record.OwnerAgency != caller.AgencyCode)
                    {
                        continue;
                    }
                    var row = ToRequest(record);
                    if (csv)
                    {
                        WriteUtf8(buffer, ImportColumns.ToCsv(row) + "\r\n");
                    }
                    else
                    {
                        // The options overload, not a JsonTypeInfo taken up front: GetTypeInfo throws on options no
                        // serializer call has used yet (a fresh process whose first request is an export).
                        JsonSerializer.Serialize(json, row, FirearmQueries.Json);
                        json.Flush();
                        json.Reset(buffer);
                        buffer.Write("\n"u8);
                    }
                    if (buffer.WrittenCount >= FlushBytes)
                    {
                        await body.WriteAsync(buffer.WrittenMemory);
                        buffer.ResetWrittenCount();
                    }
                }
                if (last is null)
                {
                    break;
                }
                page = page with { AfterId = last.Value };
            }
            await body.WriteAsync(buffer.WrittenMemory);
        }, csv ? $"{ImportApi.CsvType}; charset=utf-8" : ImportApi.NdJsonType, name);
    }

    private static void WriteUtf8(ArrayBufferWriter<byte> buffer, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        buffer.Advance(written);
    }

    /// <summary>The record as the body of <c>POST /firearms</c>: what an import reads back.</summary>
    private static FirearmRequest ToRequest(FirearmResponse f) => new(
        f.ExternalId, f.SerialNumber, f.OtherSerials, f.Make, f.Model, f.Calibre, f.Type, f.CountryOfManufacture, f.YearOfManufacture,
        f.ImportMarking, f.Status, f.EventDate, f.EventCountryCode, f.EventPlace, f.CaseReference, f.ObliteratedSerial, f.Visibility, f.Notes);
}
