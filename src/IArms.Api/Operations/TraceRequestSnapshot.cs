using System.Diagnostics.Metrics;
using IArms.Api.Data;
using IArms.Api.Hosting;

namespace IArms.Api.Operations;

/// <summary>
/// Open and overdue trace requests per addressee country, read from the database every
/// <see cref="Interval"/> rather than on each scrape, so that a scraper never queues behind the writers.
/// </summary>
public sealed class TraceRequestSnapshot(Db db, DatabaseReadiness readiness, TimeProvider clock, ILogger<TraceRequestSnapshot> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private volatile IReadOnlyList<OperationsQueries.CountryCount> _counts = [];

    /// <summary>One measurement per country, of the count <paramref name="value"/> picks.</summary>
    public IEnumerable<Measurement<long>> Measure(Func<(long Open, long Overdue), long> value) =>
        _counts.Select(c => new Measurement<long>(value((c.OpenCount, c.OverdueCount)),
            new KeyValuePair<string, object?>("country", c.CountryCode.Length == 0 ? "none" : c.CountryCode)));

    /// <summary>Reads the counts now.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        _counts = await OperationsQueries.OpenTraceRequestsAsync(session, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            if (!readiness.IsReady)
            {
                continue;
            }
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The gauges keep their last values; a failing database shows in /health/ready, not here.
                logger.LogWarning(e, "Reading the trace request counts failed; retrying in {Interval}", Interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
