using IArms.Api.Data;
using IArms.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace IArms.Api.Health;

/// <summary>Liveness (the process answers) and readiness (the database is migrated and reachable).</summary>
public static class HealthApi
{
    public sealed record HealthResponse(string Status, string? Detail = null);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/live", Live).WithName("Live").WithSummary("The process is up.");
        group.MapGet("/ready", Ready).WithName("Ready").WithSummary("The database is migrated and answers.");
        return group;
    }

    private static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Ready(
        Db db, DatabaseReadiness readiness, ILoggerFactory logs, CancellationToken ct)
    {
        if (!readiness.IsReady)
        {
            return TypedResults.Json(new HealthResponse("starting", "The database is being migrated."), statusCode: 503);
        }
        try
        {
            await db.PingAsync(ct);
            return TypedResults.Ok(new HealthResponse("ready"));
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            logs.CreateLogger("IArms.Health").LogWarning(e, "Readiness check failed");
            return TypedResults.Json(new HealthResponse("unavailable", "The database does not answer."), statusCode: 503);
        }
    }
}
