using System.Net;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Search;

/// <summary>
/// Issue 11's property, through the real service on its SQLite file: adding records an agency may not see never
/// changes that agency's answer (results, their order and scores, <c>truncated</c>). Each case adds visible
/// records around a serial, asks every searcher, adds hidden variants of the same serial (the exact one among
/// them), and asks again. Records of earlier cases stay: they are part of the register both answers see.
/// </summary>
public class HiddenRecordsPropertyTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _ownerOfHidden = null!;
    private HttpClient[] _searchers = [];
    private int _cases;

    /// <summary>Letters and digits with no look-alikes, so each variant is the edit it says it is.</summary>
    private const string Alphabet = "ACEFHKMNPRTUVWXY3479";

    /// <summary>
    /// Ways to derive a serial from the case's base serial. <see cref="Variant.SharesStart"/> keeps its beginning and
    /// replaces the rest, so that hidden ones make the query's first trigrams common and change which are its rarest.
    /// </summary>
    private enum Variant { Same, Transposed, Substituted, Longer, Shorter, SharesStart }

    private sealed record Derived(Variant Variant, int At, char With, bool Restricted);

    private sealed record Case(string Serial, Derived[] Visible, Derived[] Hidden, Derived Query, bool Wildcard, string? Make)
    {
        public override string ToString() =>
            $"{Serial} query {Query.Variant}@{Query.At}{(Wildcard ? "*" : "")} make {Make ?? "-"}; visible [{string.Join(", ", Visible.Select(v => v.Variant))}]; hidden [{string.Join(", ", Hidden.Select(v => v.Variant))}]";
    }

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _ownerOfHidden = await App.AgencyAsync("NL-KLPD", "NL", "search", "record");
        _searchers = [await App.AgencyAsync("DE-BKA", "DE", "search"), await App.AgencyAsync("US-ATF", "US", "search"), _owner];
    }

    [Test]
    public void AddingHiddenRecordsNeverChangesAnyAgencysAnswer()
    {
        var derived =
            from variant in Gen.Elements(Enum.GetValues<Variant>())
            from at in Gen.Choose(0, 64)
            from with in Gen.Elements(Alphabet.ToCharArray())
            from restricted in Gen.Elements(true, false)
            select new Derived(variant, at, with, restricted);
        var cases =
            from length in Gen.Choose(5, 10)
            from chars in Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray()), length)
            from visibleCount in Gen.Choose(0, 3)
            from visible in Gen.ArrayOf(derived, visibleCount)
            from hiddenCount in Gen.Choose(1, 4)
            from hidden in Gen.ArrayOf(derived, hiddenCount)
            from query in derived
            from wildcard in Gen.Elements(false, false, true)
            from make in Gen.Elements<string?>(null, "Glock", "Beretta")
            select new Case(new string(chars), visible, hidden, query, wildcard, make);

        Prop.ForAll(cases.ToArbitrary(), c => HoldsAsync(c).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(100));
    }

    private async Task<bool> HoldsAsync(Case c)
    {
        // A serial of its own per case, so that the case's exact serial is not already in the register.
        var n = Interlocked.Increment(ref _cases);
        var serial = $"{Alphabet[n / Alphabet.Length % Alphabet.Length]}{Alphabet[n % Alphabet.Length]}{c.Serial}";
        foreach (var (v, i) in c.Visible.Select((v, i) => (v, i)))
        {
            await RecordAsync(_owner, Apply(serial, v), make: i % 2 == 0 ? "Glock" : "Beretta", visibleTo: v.Restricted ? ["DE"] : null);
        }
        var query = Apply(serial, c.Query);
        query = c.Wildcard ? query[..Math.Max(4, query.Length - 3)] + "*" : query;
        var before = await Task.WhenAll(_searchers.Select(s => AnswerAsync(s, query, c.Make)));

        // Hidden from every searcher: restricted to a country none of them is in, and owned by an agency that does not search here.
        foreach (var (h, i) in c.Hidden.Select((h, i) => (h, i)))
        {
            await RecordAsync(_ownerOfHidden, Apply(serial, h), make: i % 2 == 0 ? "Beretta" : "Glock", visibleTo: ["BE"]);
        }
        await RecordAsync(_ownerOfHidden, query.TrimEnd('*'), make: c.Make ?? "Glock", visibleTo: ["BE"]);
        var after = await Task.WhenAll(_searchers.Select(s => AnswerAsync(s, query, c.Make)));

        for (var i = 0; i < _searchers.Length; i++)
        {
            Assert.That(after[i], Is.EqualTo(before[i]), $"searcher {i}, query {query}");
        }
        return true;
    }

    private static string Apply(string serial, Derived d)
    {
        var at = d.At % serial.Length;
        return d.Variant switch
        {
            Variant.Transposed when at < serial.Length - 1 => serial[..at] + serial[at + 1] + serial[at] + serial[(at + 2)..],
            Variant.Substituted => serial[..at] + d.With + serial[(at + 1)..],
            Variant.Longer => serial + d.With,
            Variant.Shorter when serial.Length > 5 => serial[..^1],
            Variant.SharesStart => serial[..(3 + d.At % (serial.Length - 3))] + new string(d.With, 3),
            _ => serial,
        };
    }

    private static async Task RecordAsync(HttpClient owner, string serial, string make, string[]? visibleTo)
    {
        var body = Firearm(serial) with
        {
            Make = make,
            Visibility = visibleTo is null ? new VisibilityBody("all") : new VisibilityBody("countries", visibleTo),
        };
        var response = await owner.PostJsonAsync("/api/v1/firearms", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    /// <summary>What the searcher is told, without the search's own id.</summary>
    private static async Task<string> AnswerAsync(HttpClient searcher, string serial, string? make)
    {
        var answer = await (await searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, make, purpose = "investigation" }))
            .ExpectAsync(HttpStatusCode.OK);
        answer.AsObject().Remove("searchId");
        return answer.ToJsonString();
    }
}
