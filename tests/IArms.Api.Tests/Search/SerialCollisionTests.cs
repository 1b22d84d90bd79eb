using System.Net;
using FsCheck;
using FsCheck.Fluent;
using IArms.Api.Data;
using IArms.Api.Search;
using IArms.Api.Tests.Infrastructure;
using IArms.Core.Serials;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Search;

/// <summary>
/// Issue 12: short serials collide across makers. An exact serial of another maker does not end the search;
/// one that fits the description does, without running the wider tiers.
/// </summary>
public class SerialCollisionTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _searcher = null!;
    private long _glock;
    private long _beretta;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("IT-CC", "IT", "search", "record");
        _searcher = await App.AgencyAsync("DE-BKA", "DE", "search");
        _glock = await RecordAsync("4471982", "Glock", "9x19mm", "pistol");
        _beretta = await RecordAsync("4471928", "Beretta", "9x19mm", "pistol");
    }

    private async Task<long> RecordAsync(string serial, string make, string calibre, string type) =>
        (long)(await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm(serial) with { Make = make, Calibre = calibre, Type = type }))
            .ExpectAsync(HttpStatusCode.Created))["id"]!;

    private async Task<List<(long Id, string Match)>> SearchAsync(string serial, object? make = null, string? calibre = null, string? type = null)
    {
        var answer = await (await _searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, make, calibre, type, purpose = "seizure" }))
            .ExpectAsync(HttpStatusCode.OK);
        return answer["results"]!.AsArray().Select(r => ((long)r!["firearm"]!["id"]!, (string)r["match"]!)).ToList();
    }

    [Test]
    public async Task AnOfficerHoldingABerettaFindsItWhenAGlockHoldsTheTypedSerialExactly()
    {
        var results = await SearchAsync("4471982", make: "Beretta");
        Assert.That(results, Is.EqualTo(new[] { (_beretta, "fuzzy"), (_glock, "exact") }));
    }

    [Test]
    public async Task AMakeEnteredUnderAnAliasStillAgreesThroughTheReferenceTable()
    {
        var results = await SearchAsync("4471982", make: "Baretta");
        Assert.That(results[0], Is.EqualTo((_beretta, "fuzzy")));
    }

    [Test]
    public async Task AnExactSerialThatFitsTheDescriptionStillEndsTheSearch()
    {
        Assert.That(await SearchAsync("4471982", make: "glock", calibre: "9mm Luger", type: "pistol"), Is.EqualTo(new[] { (_glock, "exact") }));
        Assert.That(await SearchAsync("4471982"), Is.EqualTo(new[] { (_glock, "exact") }), "without a description any exact match answers");
    }

    [Test]
    public async Task AnExactSerialThatContradictsAnyOneDescriptorDoesNotEndTheSearch()
    {
        var results = await SearchAsync("4471982", make: "Glock", type: "revolver");
        Assert.That(results.Select(r => r.Id), Is.EquivalentTo(new[] { _glock, _beretta }));
        Assert.That(results[0], Is.EqualTo((_glock, "exact")), "both contradict the type; the closer serial fits the make");
    }

    private static readonly string[] Makes = ["Glock", "Beretta", "Smith & Wesson", "Heckler & Koch", "Norinco", "Colt"];

    /// <summary>
    /// Issue 12's property, through the service: for any record and any single transposition of its serial, a
    /// search for the transposed serial with the record's make finds the record, first, even when another maker's
    /// record holds the transposed serial exactly.
    /// </summary>
    [Test]
    public void ATranspositionOfASerialFindsItsRecordByMakeWhenAnotherMakerHoldsTheTransposedSerial()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var cases =
            from length in Gen.Choose(4, 12)
            from chars in Gen.ArrayOf(Gen.Elements(alphabet.ToCharArray()), length)
            from at in Gen.Choose(0, length - 2)
            from makes in Gen.Shuffle(Makes)
            where chars[at] != chars[at + 1]
            select (Serial: new string(chars), At: at, Make: makes[0], OtherMake: makes[1]);
        var n = 0;

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            // Each case in a serial space of its own: two characters no other case starts with.
            var i = Interlocked.Increment(ref n);
            var serial = $"{alphabet[10 + (i / 26 % 26)]}{alphabet[10 + (i % 26)]}{c.Serial}";
            var at = c.At + 2;
            var transposed = serial[..at] + serial[at + 1] + serial[at] + serial[(at + 2)..];
            var record = RecordAsync(serial, c.Make, "9x19mm", "pistol").GetAwaiter().GetResult();
            RecordAsync(transposed, c.OtherMake, "9x19mm", "pistol").GetAwaiter().GetResult();

            var results = SearchAsync(transposed, make: c.Make).GetAwaiter().GetResult();
            Assert.That(results, Is.Not.Empty, $"{serial} / {transposed}");
            Assert.That(results[0].Id, Is.EqualTo(record), $"{serial} ({c.Make}) / {transposed} ({c.OtherMake}): {string.Join(", ", results)}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }

    [Test]
    public async Task AnExactSerialThatAgreesRunsOneLookupOnly()
    {
        var db = App.Services.GetRequiredService<Db>();
        var search = App.Services.GetRequiredService<SerialSearch>();
        Assert.That(SearchQuery.TryCreate("4471982", out var query, out _), Is.True);
        var scope = new SearchQueries.CandidateScope(0, "DE");
        await using var session = await db.ReadAsync(CancellationToken.None);

        var agreeing = await search.FindAsync(session, query!, scope, _ => Task.FromResult(true));
        var contradicted = await search.FindAsync(session, query!, scope, _ => Task.FromResult(false));

        Assert.That(agreeing.Lookups, Is.EqualTo(1));
        Assert.That(agreeing.ByFirearm.Keys, Is.EqualTo(new[] { _glock }));
        Assert.That(contradicted.Lookups, Is.GreaterThan(1));
        Assert.That(contradicted.ByFirearm.Keys, Is.EquivalentTo(new[] { _glock, _beretta }));
    }
}
