using BenchmarkDotNet.Attributes;
using IArms.Core.Analysis;
using IArms.Core.Tracing;

namespace IArms.Benchmarks;

/// <summary>
/// The two analysis steps that run over every record or party occurrence: the party key (computed once
/// per custody event written) and serial-run detection over one make's records. 100,000 items each,
/// shaped like the generator's: names with legal forms and varied spelling, serials of a few formats.
/// </summary>
[MemoryDiagnoser]
public class AnalysisBenchmarks
{
    private const int Items = 100_000;
    private Party[] _parties = [];
    private SerialRunCandidate[] _candidates = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261201);
        string[] words = ["Waffen", "Müller", "Arms", "Trading", "Jean-Pierre", "MARTIN", "Nord", "Kyiv", "Ševčík", "O'Brien"];
        string[] forms = ["", " GmbH", " Ltd.", " S.p.A.", " LLC", " s.r.o."];
        _parties = new Party[Items];
        for (var i = 0; i < Items; i++)
        {
            var name = $"{words[random.Next(words.Length)]} {words[random.Next(words.Length)]}, {words[random.Next(words.Length)]}{forms[random.Next(forms.Length)]}";
            _parties[i] = new Party(name, PartyKind.Dealer, "DE", random.Next(3) == 0 ? $"de-{random.Next(100000)}" : null);
        }

        _candidates = new SerialRunCandidate[Items];
        string[] prefixes = ["ABC", "ABD", "XYZ", "Q", ""];
        for (var i = 0; i < Items; i++)
        {
            var serial = prefixes[random.Next(prefixes.Length)] + random.Next(10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture);
            _candidates[i] = new SerialRunCandidate(i, "Glock", random.Next(2) == 0 ? "17" : null, serial, $"CASE-{random.Next(50000)}",
                null, "FR", new DateOnly(2020, 1, 1).AddDays(random.Next(2000)), []);
        }
    }

    /// <summary>Key and local id of every occurrence: what writing custody events adds per party.</summary>
    [Benchmark]
    public int PartyKeys()
    {
        var n = 0;
        foreach (var party in _parties)
        {
            n += PartyKey.Of(party)!.LocalId.Length;
        }

        return n;
    }

    [Benchmark]
    public int SerialRunsOfOneMake() => SerialRuns.Find(_candidates).Count;
}
