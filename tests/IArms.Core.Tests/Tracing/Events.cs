using System.Globalization;
using IArms.Core.Tracing;

namespace IArms.Core.Tests.Tracing;

/// <summary>Terse builders so each test reads like the chain it describes.</summary>
internal static class Events
{
    public static readonly DateTimeOffset Recorded = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static Party P(string name, PartyKind kind, string? country = null) => new(name, kind, country, null);

    public static Authorization Auth(AuthorizationKind kind, string reference = "DOC-1") => new(kind, reference);

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static CustodyEvent Ev(
        string id,
        CustodyEventType type,
        string date,
        Party? from = null,
        Party? to = null,
        string? country = null,
        Authorization? auth = null,
        DateTimeOffset? recordedAt = null,
        string source = "XX-NCB") =>
        new(id, type, D(date), from, to, country, null, null, null, auth, source, recordedAt ?? Recorded);

    public static TraceReport Analyze(params CustodyEvent[] events) => ChainAnalyzer.Analyze(events, obliteratedSerial: false);

    public static IEnumerable<string> Ids(TraceReport report) => report.Chain.Select(e => e.Id);
}
