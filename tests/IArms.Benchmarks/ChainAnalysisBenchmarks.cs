using BenchmarkDotNet.Attributes;
using IArms.Core.Tracing;

namespace IArms.Benchmarks;

/// <summary>
/// Cost of <see cref="ChainAnalyzer.Analyze"/> on chains of growing length. Real chains are a
/// handful of events; the long ones stand in for weapons that passed through many dealers and
/// check that the analysis stays O(n log n).
/// </summary>
[MemoryDiagnoser]
public class ChainAnalysisBenchmarks
{
    private CustodyEvent[] _events = [];

    [Params(10, 100, 1000)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20260115);
        _events = BuildChain(Events, random);
        // Agencies answer trace requests in their own time, so the events arrive out of order.
        random.Shuffle(_events);
    }

    [Benchmark]
    public TraceReport Analyze() => ChainAnalyzer.Analyze(_events, obliteratedSerial: false);

    /// <summary>
    /// Manufacture, a licensed export and import, then a run of sales and occasional licensed
    /// moves between countries, ending in a theft and a seizure abroad, so the whole chain is
    /// walked before the diversion is found.
    /// </summary>
    private static CustodyEvent[] BuildChain(int count, Random random)
    {
        string[] countries = ["AT", "DE", "FR", "BE", "NL", "PL", "CZ"];
        var recorded = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var date = new DateOnly(1950, 1, 1);
        var maker = new Party("Acme Arms", PartyKind.Manufacturer, "AT", "MFR-1");
        var holder = maker;
        var events = new List<CustodyEvent>(count);

        void Add(CustodyEventType type, Party? from, Party? to, string? country, Authorization? authorization)
        {
            var id = $"ev-{events.Count:D5}";
            events.Add(new CustodyEvent(id, type, date, from, to, country, "Somewhere", $"DOC-{events.Count}", null,
                authorization, $"{country ?? "XX"}-NCB", recorded.AddMinutes(events.Count)));
        }

        Add(CustodyEventType.Manufactured, null, maker, "AT", null);
        var tail = 2;
        while (events.Count < count - tail)
        {
            // Zero days now and then so that same-day ties are exercised.
            date = date.AddDays(random.Next(0, 25));
            var country = holder.CountryCode!;
            if (random.Next(10) == 0 && events.Count < count - tail - 1)
            {
                var abroad = countries[random.Next(countries.Length)];
                var importer = new Party($"Importer {events.Count}", PartyKind.Importer, abroad, $"IMP-{events.Count}");
                Add(CustodyEventType.Exported, holder, importer, country, new Authorization(AuthorizationKind.ExportLicence, $"EL-{events.Count}"));
                Add(CustodyEventType.Imported, holder, importer, abroad, new Authorization(AuthorizationKind.ImportLicence, $"IL-{events.Count}"));
                holder = importer;
            }
            else
            {
                var kind = random.Next(2) == 0 ? PartyKind.Dealer : PartyKind.PrivatePerson;
                var buyer = new Party($"Holder {events.Count}", kind, country, null);
                Add(CustodyEventType.Sold, holder, buyer, country, null);
                holder = buyer;
            }
        }

        date = date.AddDays(30);
        Add(CustodyEventType.ReportedStolen, holder, null, holder.CountryCode, null);
        date = date.AddDays(200);
        Add(CustodyEventType.Seized, null, new Party("Border Police", PartyKind.Police, "UA", null), "UA", null);
        return [.. events.Take(count)];
    }
}
