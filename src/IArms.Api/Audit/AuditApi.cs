using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Agencies;
using IArms.Api.Infrastructure;
using Microsoft.AspNetCore.Authorization;

namespace IArms.Api.Audit;

/// <summary>
/// The audit log, newest first. An agency's auditors (role <c>audit</c>) read their own agency's entries; the
/// central administrator (an <c>admin</c> or <c>audit</c> key of agency HQ) reads every agency's, failed
/// authentications included, and verifies the hash chain. Reading the log is itself audited.
/// </summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireAuthorization(Policies.AuditOrAdmin);
        group.MapGet("/", List).ProducesValidationProblem().ProducesProblem(403).Audited(AuditActions.AuditRead)
            .WithName("ListAuditEntries").WithSummary("The audit log, newest first; filters agency, from, to, action, outcome, objectId.");
        group.MapGet("/verify", Verify).RequireAuthorization(Policies.CentralAudit).ProducesProblem(403).Audited(AuditActions.AuditVerify)
            .WithName("VerifyAuditChain").WithSummary("Walks the audit log's hash chain from the first kept entry and says whether it is intact.");
        return group;
    }

    /// <summary>Registers the audit feature: its queries, the group-commit writer, the denial auditing, the chain check and retention.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.RetentionDays >= AuditOptions.MinimumRetentionDays,
                $"{AuditOptions.Section}:RetentionDays must be at least {AuditOptions.MinimumRetentionDays} (days): the audit is kept at least a year.")
            .Validate(o => o.PurgeBatch is >= 1 and <= 100_000, $"{AuditOptions.Section}:PurgeBatch must be between 1 and 100000.")
            .ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditLog>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditLog>());
        services.AddSingleton<AuditVerifier>();
        services.AddSingleton<AuditRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        services.AddSingleton<FailedAuthenticationThrottle>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditAuthorizationResultHandler>();
        return services;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> List(
        Caller caller, AuditQueries queries, CancellationToken ct,
        string? agency, DateTimeOffset? from, DateTimeOffset? to, [Vocabulary(typeof(AuditActions), nameof(AuditActions.All))] string? action, [Vocabulary(typeof(AuditOutcomes), nameof(AuditOutcomes.All))] string? outcome, string? objectId,
        [AsParameters] PageRequest page)
    {
        if (!caller.IsCentralAdministration)
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
        if (outcome is not null && !AuditOutcomes.All.Contains(outcome))
        {
            return Problems.BadRequest("outcome", $"'outcome' must be one of {string.Join(", ", AuditOutcomes.All)}.");
        }
        if (objectId is not null && (objectId.Length is 0 or > 200 || objectId.Contains('%') || objectId.Contains('_')))
        {
            return Problems.BadRequest("objectId", "'objectId' must be a resource path under /api/v1, like 'firearms/12', without '%' or '_'.");
        }
        if (from is not null && to is not null && from >= to)
        {
            return Problems.BadRequest("to", "'to' must be later than 'from'.");
        }
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }

        return TypedResults.Ok(await queries.ListAsync(new AuditQuery(agency, from, to, action, outcome, objectId?.Trim('/')), beforeId, take, ct));
    }

    private static async Task<Ok<AuditVerification>> Verify(AuditVerifier verifier, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyAsync(ct));
}
