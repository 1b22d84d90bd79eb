using System.Globalization;

namespace IArms.Core.Analysis;

/// <summary>The length of a trend period.</summary>
public enum TrendPeriod
{
    Month,
    Quarter,
    Year,
}

/// <summary>What a trend counts.</summary>
public enum TrendMetric
{
    /// <summary><c>reported-stolen</c> events.</summary>
    Thefts,

    /// <summary><c>reported-lost</c> events.</summary>
    Losses,

    /// <summary><c>seized</c> and <c>recovered</c> events.</summary>
    Seizures,

    /// <summary>Trace requests (by creation date); no custody event type counts.</summary>
    Traces,
}

/// <summary>One period of a trend.</summary>
/// <param name="Period">The label: <c>2026-03</c>, <c>2026-Q1</c> or <c>2026</c>.</param>
/// <param name="Start">The period's first day.</param>
/// <param name="Count">How many facts fall in it.</param>
public sealed record TrendPoint(string Period, DateOnly Start, long Count);

/// <summary>Counts of dated facts per month, quarter or year.</summary>
public static class Trends
{
    /// <summary>The custody event types whose dates <paramref name="metric"/> counts; empty for <see cref="TrendMetric.Traces"/>.</summary>
    public static IReadOnlyList<Tracing.CustodyEventType> EventTypes(TrendMetric metric) => metric switch
    {
        TrendMetric.Thefts => [Tracing.CustodyEventType.ReportedStolen],
        TrendMetric.Losses => [Tracing.CustodyEventType.ReportedLost],
        TrendMetric.Seizures => [Tracing.CustodyEventType.Seized, Tracing.CustodyEventType.Recovered],
        TrendMetric.Traces => [],
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    /// <summary>The label of the period holding <paramref name="date"/>.</summary>
    public static string Label(DateOnly date, TrendPeriod by) => by switch
    {
        TrendPeriod.Month => date.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        TrendPeriod.Quarter => string.Create(CultureInfo.InvariantCulture, $"{date.Year:D4}-Q{(date.Month + 2) / 3}"),
        TrendPeriod.Year => date.Year.ToString("D4", CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "Unknown period."),
    };

    /// <summary>The first day of the period holding <paramref name="date"/>.</summary>
    public static DateOnly PeriodStart(DateOnly date, TrendPeriod by) => by switch
    {
        TrendPeriod.Month => new DateOnly(date.Year, date.Month, 1),
        TrendPeriod.Quarter => new DateOnly(date.Year, (date.Month - 1) / 3 * 3 + 1, 1),
        TrendPeriod.Year => new DateOnly(date.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "Unknown period."),
    };

    /// <summary>Counts one fact per date; see <see cref="BucketCounts"/>.</summary>
    public static IReadOnlyList<TrendPoint> Bucket(IEnumerable<DateOnly> dates, TrendPeriod by, DateOnly? from = null, DateOnly? until = null)
    {
        ArgumentNullException.ThrowIfNull(dates);
        return BucketCounts(dates.Select(d => (d, 1L)), by, from, until);
    }

    /// <summary>
    /// Sums counts per period, in time order, every period from the first to the last included (zero
    /// when empty). The range runs from the earliest of <paramref name="from"/> and the first fact to the
    /// latest of <paramref name="until"/> and the last fact, so a filter window shows its empty ends; no
    /// facts and no window give an empty list. Takes (date, count) pairs so a database can pre-aggregate
    /// by day or month. O(n + periods).
    /// </summary>
    public static IReadOnlyList<TrendPoint> BucketCounts(IEnumerable<(DateOnly Date, long Count)> counts, TrendPeriod by, DateOnly? from = null, DateOnly? until = null)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var sums = new Dictionary<int, long>();
        int? low = from is { } f ? Ordinal(f, by) : null;
        int? high = until is { } u ? Ordinal(u, by) : null;
        foreach (var (date, count) in counts)
        {
            var o = Ordinal(date, by);
            sums[o] = sums.GetValueOrDefault(o) + count;
            low = low is null || o < low ? o : low;
            high = high is null || o > high ? o : high;
        }

        if (low is null || high is null || high < low)
        {
            return [];
        }

        var points = new List<TrendPoint>(high.Value - low.Value + 1);
        for (var o = low.Value; o <= high.Value; o++)
        {
            var start = FromOrdinal(o, by);
            points.Add(new TrendPoint(Label(start, by), start, sums.GetValueOrDefault(o)));
        }

        return points.AsReadOnly();
    }

    /// <summary>A period's position on a line of consecutive periods.</summary>
    private static int Ordinal(DateOnly date, TrendPeriod by) => by switch
    {
        TrendPeriod.Month => date.Year * 12 + date.Month - 1,
        TrendPeriod.Quarter => date.Year * 4 + (date.Month - 1) / 3,
        TrendPeriod.Year => date.Year,
        _ => throw new ArgumentOutOfRangeException(nameof(by), by, "Unknown period."),
    };

    private static DateOnly FromOrdinal(int ordinal, TrendPeriod by) => by switch
    {
        TrendPeriod.Month => new DateOnly(ordinal / 12, ordinal % 12 + 1, 1),
        TrendPeriod.Quarter => new DateOnly(ordinal / 4, ordinal % 4 * 3 + 1, 1),
        _ => new DateOnly(ordinal, 1, 1),
    };
}
