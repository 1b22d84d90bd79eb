using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Audit;
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
            .Audited(AuditActions.AlertList).WithName("ListAlerts").WithSummary("The caller agency's alerts, newest first (open ones unless status=all).");
        group.MapPost("/{id:long}/acknowledge", Acknowledge).ProducesProblem(404)
            .Audited(AuditActions.AlertAcknowledge).WithName("AcknowledgeAlert").WithSummary("Closes one of the caller agency's alerts.");
        return group;
    }

    /// <summary>Registers the alerts feature's queries (which other features use to raise alerts).</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services) => services.AddSingleton<AlertQueries>();

    private static async Task<Results<Ok<AlertPage>, ProblemHttpResult>> List(
        Caller caller, AlertQueries queries, CancellationToken ct, [Vocabulary(typeof(AlertListStatuses), nameof(AlertListStatuses.Words))] string? status, [Vocabulary(typeof(AlertKinds), nameof(AlertKinds.All))] string? kind, [AsParameters] PageRequest page)
    {
        if (status is not null and not (AlertListStatuses.Open or AlertListStatuses.All))
        {
            return Problems.BadRequest("status", "'status' must be 'open' or 'all'.");
        }
        if (kind is not null && !AlertKinds.All.Contains(kind))
        {
            return Problems.BadRequest("kind", $"'kind' must be one of {string.Join(", ", AlertKinds.All)}.");
        }
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }
        return TypedResults.Ok(await queries.ListAsync(caller, status != AlertListStatuses.All, kind, beforeId, take, ct));
    }

    private static async Task<Results<Ok<AlertResponse>, ProblemHttpResult>> Acknowledge(
        long id, Caller caller, AlertQueries queries, CancellationToken ct)
    {
        var alert = await queries.AcknowledgeAsync(caller, id, ct);
        return alert is null ? Problems.NotFound($"Your agency has no alert {id}.") : TypedResults.Ok(alert);
    }
}
