using IArms.Api.Data;

namespace IArms.Api.Operations;

/// <summary>The operations feature's SQL: what the gauges read.</summary>
public static class OperationsQueries
{
    // Open requests are few next to the records, and the read runs once a refresh interval, not per scrape.
    private static readonly Sql OpenTraceRequestsByCountry = new("""
        SELECT COALESCE(a.country_code, '') AS country_code, COUNT(*) AS open_count,
               SUM(CASE WHEN tr.due_date < @today THEN 1 ELSE 0 END) AS overdue_count
        FROM trace_request tr JOIN agency a ON a.id = tr.to_agency_id
        WHERE tr.status = 'open'
        GROUP BY COALESCE(a.country_code, '')
        """);

    public sealed record CountryCount(string CountryCode, long OpenCount, long OverdueCount);

    public static Task<List<CountryCount>> OpenTraceRequestsAsync(SqlSession session, DateOnly today) =>
        session.QueryAsync<CountryCount>(OpenTraceRequestsByCountry, new { today });
}
