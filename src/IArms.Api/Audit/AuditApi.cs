using Dapper;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;

namespace IArms.Api.Audit;

public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string Agency, long KeyId, string Action, string? SearchId, string? Purpose,
    string? CaseReference, string Query, int ResultCount);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, string? NextCursor);

/// <summary>
/// The audit log, newest first. An agency's auditors (role <c>audit</c>) read their own agency's
/// entries; the central administrator (role <c>admin</c>) reads every agency's.
/// </summary>
public static class AuditApi
{
    private const string Filter = """
        FROM audit_entry e JOIN agency a ON a.id = e.agency_id
        WHERE e.id < @beforeId
          AND (@agency IS NULL OR a.code = @agency)
          AND (@from IS NULL OR e.at >= @from)
          AND (@to IS NULL OR e.at < @to)
          AND (@action IS NULL OR e.action = @action)
        """;

    private const string Columns = """
        e.id AS Id, e.at AS At, a.code AS Agency, e.key_id AS KeyId, e.action AS Action, e.search_id AS SearchId,
        e.purpose AS Purpose, e.case_reference AS CaseReference, e.query AS Query, e.result_count AS ResultCount
        """;

    private static readonly SqlText SelectPage = new(
        $"SELECT {Columns} {Filter} ORDER BY e.id DESC LIMIT @take",
        $"SELECT TOP (@take) {Columns} {Filter} ORDER BY e.id DESC OPTION (RECOMPILE)");

    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.AuditOrAdmin);
        group.MapGet("/", List).ProducesValidationProblem().ProducesProblem(403)
            .WithName("ListAuditEntries").WithSummary("The audit log, newest first; filters agency, from, to, action.");
        return group;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(
        Caller caller, Db db, CancellationToken ct,
        string? agency = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? action = null,
        int? limit = null, string? cursor = null)
    {
        if (!caller.Has(Roles.Admin))
        {
            if (agency is not null && agency != caller.AgencyCode)
            {
                return TypedResults.Problem("Auditors read their own agency's entries; only the central administrator reads others'.",
                    statusCode: 403, title: "Forbidden.");
            }
            agency = caller.AgencyCode;
        }
        if (action is not null && !AuditActions.All.Contains(action))
        {
            return Problems.BadRequest("action", $"'action' must be one of {string.Join(", ", AuditActions.All)}.");
        }
        if (from is not null && to is not null && from >= to)
        {
            return Problems.BadRequest("to", "'to' must be later than 'from'.");
        }
        if (Cursor.TryPage(limit, cursor, long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }

        await using var connection = await db.OpenReadOnlyAsync(ct);
        var rows = (await connection.QueryAsync<AuditRow>(new CommandDefinition(db.Sql(SelectPage), new
        {
            beforeId, agency, from = from?.ToUniversalTime(), to = to?.ToUniversalTime(), action, take = take + 1,
        }, cancellationToken: ct))).AsList();
        var items = rows.Take(take).Select(r => new AuditEntryResponse(
            r.Id, r.At, r.Agency, r.KeyId, r.Action, r.SearchId, r.Purpose, r.CaseReference, r.Query, r.ResultCount)).ToList();
        return TypedResults.Ok(new AuditPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null));
    }

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
