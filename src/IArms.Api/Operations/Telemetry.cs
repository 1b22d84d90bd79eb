using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace IArms.Api.Operations;

/// <summary>
/// The service's one <see cref="ActivitySource"/>: spans for statements, search tiers and audit commits. Starting
/// an activity costs nothing when no tracer listens. Spans carry names and counts, never parameter values, serials
/// or record fields: police data stays in the audit.
/// </summary>
public static class Telemetry
{
    public const string Name = "IArms";

    public static readonly ActivitySource Source = new(Name);
}

/// <summary>
/// The service's one <see cref="Meter"/> and its instruments, created from the host's <see cref="IMeterFactory"/> so
/// that each host (each test host too) counts on its own. Exported at <c>/metrics</c> and, with OTLP, to a collector.
/// </summary>
public sealed class IArmsMetrics
{
    private readonly Counter<long> _searches;
    private readonly Counter<long> _alerts;
    private readonly Histogram<int> _auditBatchSize;
    private readonly Histogram<double> _auditCommitDuration;

    public IArmsMetrics(IMeterFactory meters, TraceRequestSnapshot traceRequests)
    {
        var meter = meters.Create(Telemetry.Name);
        _searches = meter.CreateCounter<long>("iarms.searches", "{search}", "Searches answered, by kind (serial or pattern) and best match tier.");
        _alerts = meter.CreateCounter<long>("iarms.alerts", "{alert}", "Alerts raised, by kind.");
        _auditBatchSize = meter.CreateHistogram("iarms.audit.batch.size", "{entry}", "Audit entries written per group commit.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        _auditCommitDuration = meter.CreateHistogram("iarms.audit.commit.duration", "s", "Time to write and commit one audit batch.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        meter.CreateObservableGauge("iarms.trace_requests.open", () => traceRequests.Measure(c => c.Open), "{request}",
            "Open trace requests, by addressee country.");
        meter.CreateObservableGauge("iarms.trace_requests.overdue", () => traceRequests.Measure(c => c.Overdue), "{request}",
            "Open trace requests past their due date, by addressee country.");
    }

    /// <param name="kind"><c>serial</c>, or <c>pattern</c> when the query has wildcards.</param>
    /// <param name="bestMatch">The best result's match (exact, normalized, fuzzy, ...), or <c>none</c>.</param>
    public void SearchAnswered(string kind, string bestMatch) =>
        _searches.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("best_match", bestMatch));

    public void AlertRaised(string kind) => _alerts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void AuditCommitted(int entries, TimeSpan elapsed)
    {
        _auditBatchSize.Record(entries);
        _auditCommitDuration.Record(elapsed.TotalSeconds);
    }
}
