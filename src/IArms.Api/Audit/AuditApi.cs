using IArms.Api.Agencies;
using IArms.Api.Infrastructure;

namespace IArms.Api.Audit;

/// <summary>
/// The audit log, newest first. An agency's auditors (role <c>audit</c>) read their own agency's
/// entries; the central administrator (role <c>admin</c>) reads every agency's.
/// </summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.AuditOrAdmin);
        group.MapGet("/", List).ProducesValidationProblem().ProducesProblem(403)
            .WithName("ListAuditEntries").WithSummary("The audit log, newest first; filters agency, from, to, action.");
        return group;
    }

    /// <summary>Registers the audit feature: its queries and the group-commit writer.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        return services;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(
        Caller caller, AuditQueries queries, CancellationToken ct,
        string? agency, DateTimeOffset? from, DateTimeOffset? to, string? action,
        [AsParameters] PageRequest page)
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
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }

        return TypedResults.Ok(await queries.ListAsync(agency, from, to, action, beforeId, take, ct));
    }
}
