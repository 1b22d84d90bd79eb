using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Health;

/// <summary>Liveness (the process answers) and readiness (each part the service needs, reported one by one).</summary>
public static class HealthApi
{
    /// <summary>Below this much free space on the SQLite file's volume the service is not ready: commits would soon fail.</summary>
    public const long MinimumFreeBytes = 64L * 1024 * 1024;

    /// <summary>One part of readiness: <c>up</c> or <c>down</c>, and why when down.</summary>
    public sealed record HealthPart(string Status, string? Detail = null)
    {
        public static readonly HealthPart Up = new("up");

        public static HealthPart Down(string detail) => new("down", detail);
    }

    /// <summary>A health answer; for readiness, with its parts (database, audit writer, disk, background services).</summary>
    public sealed record HealthResponse(string Status, string? Detail = null, IReadOnlyDictionary<string, HealthPart>? Parts = null);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Probes for the orchestrator, like /metrics: anonymous, never rate limited, not part of the API an integrator
        // calls, so not in the OpenAPI document (whose every operation is keyed and rate limited).
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous().ExcludeFromDescription();
        group.MapGet("/live", Live).WithName("Live").WithSummary("The process is up.");
        group.MapGet("/ready", Ready).WithName("Ready")
            .WithSummary("The database is migrated and answers, the audit writer and background services run, and the disk has room.");
        return group;
    }

    private static Ok<HealthResponse> Live() => TypedResults.Ok(new HealthResponse("live"));

    private static async Task<Results<Ok<HealthResponse>, JsonHttpResult<HealthResponse>>> Ready(
        Db db, DatabaseReadiness readiness, AuditLog audit, IEnumerable<IHostedService> hosted, ILoggerFactory logs, CancellationToken ct)
    {
        var parts = new Dictionary<string, HealthPart>
        {
            ["database"] = await DatabaseAsync(db, readiness, logs, ct),
            ["auditWriter"] = AuditWriter(audit),
            ["disk"] = Disk(db),
            ["backgroundServices"] = BackgroundServices(hosted),
        };
        if (parts.Values.All(p => p == HealthPart.Up))
        {
            return TypedResults.Ok(new HealthResponse("ready", Parts: parts));
        }
        var status = readiness.IsReady ? "unavailable" : "starting";
        var down = string.Join(", ", parts.Where(p => p.Value != HealthPart.Up).Select(p => p.Key));
        return TypedResults.Json(new HealthResponse(status, $"Not ready: {down}.", parts), statusCode: 503);
    }

    private static async Task<HealthPart> DatabaseAsync(Db db, DatabaseReadiness readiness, ILoggerFactory logs, CancellationToken ct)
    {
        if (!readiness.IsReady)
        {
            return HealthPart.Down("The database is being migrated.");
        }
        try
        {
            await db.PingAsync(ct);
            return HealthPart.Up;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            logs.CreateLogger("IArms.Health").LogWarning(e, "Readiness check failed");
            return HealthPart.Down("The database does not answer.");
        }
    }

    private static HealthPart AuditWriter(AuditLog audit) => audit.ExecuteTask switch
    {
        null => HealthPart.Down("The audit writer has not started."),
        { IsCompleted: true } => HealthPart.Down("The audit writer has stopped: nothing can be audited, so nothing is answered."),
        _ => HealthPart.Up,
    };

    private static HealthPart Disk(Db db)
    {
        if (db.Provider != DatabaseProvider.Sqlite)
        {
            return HealthPart.Up; // the server's disk is its operator's to watch
        }
        var file = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (string.IsNullOrEmpty(folder) || file == ":memory:")
        {
            return HealthPart.Up;
        }
        var free = new DriveInfo(folder).AvailableFreeSpace;
        return free >= MinimumFreeBytes
            ? HealthPart.Up
            : HealthPart.Down($"{free / (1024 * 1024)} MiB free beside the database file; at least {MinimumFreeBytes / (1024 * 1024)} MiB are needed.");
    }

    /// <summary>
    /// A background service that failed, or was stopped while the host runs, is down. One that finished its work
    /// (start-up seeding) is not.
    /// </summary>
    private static HealthPart BackgroundServices(IEnumerable<IHostedService> hosted)
    {
        var failed = hosted.OfType<BackgroundService>()
            .Where(s => s.ExecuteTask is { IsFaulted: true } or { IsCanceled: true })
            .Select(s => s.GetType().Name)
            .Distinct()
            .ToList();
        return failed.Count == 0 ? HealthPart.Up : HealthPart.Down($"Stopped: {string.Join(", ", failed)}.");
    }
}
