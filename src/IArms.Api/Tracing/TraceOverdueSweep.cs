using Microsoft.Extensions.Options;

namespace IArms.Api.Tracing;

/// <summary>Options of the <c>IArms:Tracing</c> section.</summary>
public sealed class TracingOptions
{
    public const string Section = "IArms:Tracing";

    /// <summary>How often the overdue sweep runs, in seconds (default 60).</summary>
    public int OverdueSweepSeconds { get; set; } = 60;
}

/// <summary>
/// Alerts requesters whose trace requests are past due and unanswered, once per request. The lists show
/// <c>overdue</c> from the clock without waiting for it; the sweep only raises the alerts. Tests call
/// <see cref="SweepAsync"/> directly after moving the clock.
/// </summary>
public sealed class TraceOverdueSweep(
    TraceRequestService service, IOptions<TracingOptions> options, TimeProvider clock, ILogger<TraceOverdueSweep> logger) : BackgroundService
{
    /// <summary>Runs one sweep; returns the number of overdue alerts raised.</summary>
    public Task<int> SweepAsync(CancellationToken ct) => service.SweepOverdueAsync(ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.OverdueSweepSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var raised = await SweepAsync(stoppingToken);
                if (raised > 0)
                {
                    logger.LogInformation("Raised {Count} trace-overdue alerts", raised);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep (database busy or briefly down) is retried at the next tick; nothing was half-written.
                logger.LogWarning(e, "The trace-overdue sweep failed; it runs again in {Seconds} s", options.Value.OverdueSweepSeconds);
            }
        }
    }
}
