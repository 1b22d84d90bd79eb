using IArms.Api.Agencies;
using IArms.Api.Infrastructure;

namespace IArms.Api.Alerts;

/// <summary>The caller agency's inbox: hits on its records, trace requests, answers and overdue traces.</summary>
public static class AlertApi
{
    public static RouteGroupBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/alerts").WithTags("Alerts").RequireAuthorization(Policies.Any);
        group.MapGet("/", List).ProducesValidationProblem()
            .WithName("ListAlerts").WithSummary("The caller agency's alerts, newest first (open ones unless status=all).");
        group.MapPost("/{id:long}/acknowledge", Acknowledge).ProducesProblem(404)
            .WithName("AcknowledgeAlert").WithSummary("Closes one of the caller agency's alerts.");
        return group;
    }

    private static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> List(
        Caller caller, AlertStore store, CancellationToken ct, string? status = null, string? kind = null, int? limit = null, string? cursor = null)
    {
        if (status is not null and not ("open" or "all"))
        {
            return Problems.BadRequest("status", "'status' must be 'open' or 'all'.");
        }
        if (kind is not null && !AlertKinds.All.Contains(kind))
        {
            return Problems.BadRequest("kind", $"'kind' must be one of {string.Join(", ", AlertKinds.All)}.");
        }
        if (Cursor.TryPage(limit, cursor, long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }
        return TypedResults.Ok(await store.ListAsync(caller, status != "all", kind, beforeId, take, ct));
    }

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> Acknowledge(
        long id, Caller caller, AlertStore store, CancellationToken ct)
    {
        var alert = await store.AcknowledgeAsync(caller, id, ct);
        return alert is null ? Problems.NotFound($"Your agency has no alert {id}.") : TypedResults.Ok(alert);
    }
}
