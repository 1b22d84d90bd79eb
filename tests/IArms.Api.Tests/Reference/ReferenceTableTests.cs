using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Reference;

public class ReferenceTableTests : ApiFixture
{
    private HttpClient _recorder = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _recorder = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _admin = App.Admin();
    }

    private async Task<JsonNode> RecordAsync(FirearmBody body) =>
        await (await _recorder.PostJsonAsync("/api/v1/firearms", body)).ExpectAsync(HttpStatusCode.Created);

    [OneTimeTearDown]
    public void DisposeAdmin() => _admin.Dispose();

    [TestCase("Izhmash", "7,62x39", "Kalashnikov Concern", "7.62x39mm")]
    [TestCase("Colt's Manufacturing Co.", ".45 ACP", "Colt's Manufacturing Company", ".45 ACP")]
    [TestCase("GLOCK GmbH", "9mm Parabellum", "Glock", "9x19mm")]
    public async Task ARecordCarriesCanonicalMakeAndCalibreAndKeepsWhatWasTyped(string make, string calibre, string canonicalMake, string canonicalCalibre)
    {
        var body = await RecordAsync(Firearm($"CAN-{make.Length}-{calibre.Length}") with { Make = make, Calibre = calibre });
        Assert.That((string?)body["make"], Is.EqualTo(make));
        Assert.That((string?)body["calibre"], Is.EqualTo(calibre));
        Assert.That((string?)body["canonicalMake"], Is.EqualTo(canonicalMake));
        Assert.That((string?)body["canonicalCalibre"], Is.EqualTo(canonicalCalibre));
        Assert.That((int)body["dataQuality"]!["score"]!, Is.EqualTo(100));
        Assert.That(body["dataQuality"]!["issues"]!.AsArray(), Is.Empty);
    }

    [TestCase("makes")]
    [TestCase("calibres")]
    public async Task ANewDatabaseHoldsExactlyTheSeedFile(string collection)
    {
        var seed = IArms.Api.Reference.ReferenceSeed.Load();
        var expected = (collection == "makes" ? seed.Makes : seed.Calibres)
            .Select(e => $"{e.Id} {e.Name} {e.CountryCode} [{string.Join("|", e.Aliases)}]").ToList();
        var listed = await (await _recorder.GetAsync($"/api/v1/reference/{collection}?limit=500")).ExpectAsync(HttpStatusCode.OK);
        var seeded = listed["items"]!.AsArray()
            .Where(e => (long)e!["id"]! <= expected.Count) // the other tests of this fixture may add entries
            .OrderBy(e => (long)e!["id"]!)
            .Select(e => $"{(long)e!["id"]!} {(string?)e["canonicalName"]} {(string?)e["countryCode"]} [{string.Join("|", e["aliases"]!.AsArray().Select(a => (string?)a))}]")
            .ToList();
        Assert.That(seeded, Is.EqualTo(expected));
    }

    [Test]
    public async Task AnUnknownMakeIsAcceptedWithADataQualityIssue()
    {
        var body = await RecordAsync(Firearm("DQ-0001") with { Make = "Zorbatron Widgets", Calibre = "9x99 banana", Model = "" });
        Assert.That((string?)body["canonicalMake"], Is.Null);
        Assert.That((string?)body["canonicalCalibre"], Is.Null);
        var issues = body["dataQuality"]!["issues"]!.AsArray().Select(i => (string?)i).ToList();
        Assert.That(issues, Is.SupersetOf(new[] { "unknown-make", "unknown-calibre", "missing-model" }));
        Assert.That((int)body["dataQuality"]!["score"]!, Is.LessThan(100));
    }

    [Test]
    public async Task ASearchByOneAliasRanksRecordsEnteredUnderAnotherFirst()
    {
        var kalashnikov = await RecordAsync(Firearm("ALIAS 5151 X") with { Make = "Kalashnikov Concern", Calibre = "7.62x39mm", Type = "assault-rifle" });
        var other = await RecordAsync(Firearm("ALIAS 5151 X") with { Make = "Norinco", Calibre = "7.62x39mm", Type = "assault-rifle" });
        using var searcher = await App.AgencyAsync("DE-BKA", "DE", "search");
        var answer = await (await searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "ALIAS5151X", make = "Izhmash", purpose = "seizure" }))
            .ExpectAsync(HttpStatusCode.OK);
        var ids = answer["results"]!.AsArray().Select(r => (long)r!["firearm"]!["id"]!).ToList();
        Assert.That(ids.Take(2), Is.EqualTo(new[] { (long)kalashnikov["id"]!, (long)other["id"]! }));
    }

    [Test]
    public async Task MakesAreSuggestedBestMatchFirst()
    {
        var makes = (await (await _recorder.GetAsync("/api/v1/reference/makes?q=izhmash")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That((string?)makes[0]!["canonicalName"], Is.EqualTo("Kalashnikov Concern"));
        Assert.That(makes[0]!["aliases"]!.AsArray().Select(a => (string?)a), Does.Contain("Izhmash"));

        var calibres = (await (await _recorder.GetAsync("/api/v1/reference/calibres?q=9mm%20luger")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That((string?)calibres[0]!["canonicalName"], Is.EqualTo("9x19mm"));

        var all = (await (await _recorder.GetAsync("/api/v1/reference/makes")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That(all.AsArray(), Has.Count.GreaterThanOrEqualTo(150));

        var types = (await (await _recorder.GetAsync("/api/v1/reference/types")).ExpectAsync(HttpStatusCode.OK))["items"]!;
        Assert.That(types.AsArray().Select(t => (string?)t!["code"]), Does.Contain("submachine-gun").And.Contain("grenade-launcher"));
        await (await _recorder.GetAsync("/api/v1/reference/makes?limit=0")).ExpectFieldErrorAsync("limit");
    }

    [Test]
    public async Task AddingAMakeReResolvesTheRecordsThatNamedIt()
    {
        var before = await RecordAsync(Firearm("RR-0001") with { Make = "Quillfeather Armory" });
        Assert.That((string?)before["canonicalMake"], Is.Null);

        var added = await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Quillfeather Armory Ltd", countryCode = "GB", aliases = new[] { "QFA" } }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.That((int)added["recordsReResolved"]!, Is.GreaterThanOrEqualTo(1));

        var after = await (await _recorder.GetAsync($"/api/v1/firearms/{(long)before["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)after["canonicalMake"], Is.EqualTo("Quillfeather Armory Ltd"));
        Assert.That(after["dataQuality"]!["issues"]!.AsArray().Select(i => (string?)i), Does.Not.Contain("unknown-make"));

        var alias = await (await _admin.PostJsonAsync($"/api/v1/reference/makes/{(long)added["entry"]!["id"]!}/aliases", new { alias = "Quill & Feather" }))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.That(alias["entry"]!["aliases"]!.AsArray().Select(a => (string?)a), Does.Contain("Quill & Feather"));
        var viaAlias = await RecordAsync(Firearm("RR-0002") with { Make = "QUILL AND FEATHER" });
        Assert.That((string?)viaAlias["canonicalMake"], Is.EqualTo("Quillfeather Armory Ltd"));
    }

    [Test]
    public async Task AReferenceChangeReachesSystemsSyncingWithUpdatedSince()
    {
        var record = await RecordAsync(Firearm("SYNC-0001") with { Make = "Marrowbone Gunworks", Calibre = "11x77 marrow" });
        var id = (long)record["id"]!;
        App.Clock.Advance(TimeSpan.FromHours(1));
        var since = App.Clock.Now.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        async Task<JsonNode?> Synced() =>
            (await (await _recorder.GetAsync($"/api/v1/firearms?updatedSince={since}&limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!
                .AsArray().SingleOrDefault(i => (long)i!["id"]! == id);
        Assert.That(await Synced(), Is.Null, "nothing changed since");

        App.Clock.Advance(TimeSpan.FromMinutes(5));
        await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Marrowbone Gunworks Ltd" })).ExpectAsync(HttpStatusCode.Created);
        await (await _admin.PostJsonAsync("/api/v1/reference/calibres", new { canonicalName = "11x77mm Marrow", aliases = new[] { "11x77 marrow" } }))
            .ExpectAsync(HttpStatusCode.Created);

        var synced = await Synced();
        Assert.That(synced, Is.Not.Null, "a record whose canonical make changed must be listed as changed");
        Assert.That((string?)synced!["canonicalMake"], Is.EqualTo("Marrowbone Gunworks Ltd"));
        Assert.That((string?)synced["canonicalCalibre"], Is.EqualTo("11x77mm Marrow"));
        Assert.That(DateTimeOffset.Parse((string)synced["updatedAt"]!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(App.Clock.Now));
        var read = await _recorder.GetAsync($"/api/v1/firearms/{id}");
        Assert.That(read.Headers.ETag, Is.Not.EqualTo(null));
        Assert.That(read.Headers.ETag!.Tag, Is.Not.EqualTo("\"1\""), "the record's version moves with it, so a stale If-Match is refused");
    }

    [Test]
    public async Task ASpellingThatAlreadyMeansAnotherEntryIsAConflict()
    {
        var conflict = await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Izhevsk Rifles", aliases = new[] { "IZHMASH" } }))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.That((string?)conflict["detail"], Does.Contain("Kalashnikov Concern"));
        await (await _admin.PostJsonAsync("/api/v1/reference/calibres", new { canonicalName = "9 mm Parabellum" })).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await _admin.PostJsonAsync("/api/v1/reference/makes/1/aliases", new { alias = "Glock" })).ExpectProblemAsync(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task BadReferenceInputIsRefused()
    {
        await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "" })).ExpectFieldErrorAsync("canonicalName");
        await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Valid Name", countryCode = "XX" })).ExpectFieldErrorAsync("countryCode");
        await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Valid Name 2", aliases = new[] { "" } })).ExpectFieldErrorAsync("aliases[0]");
        await (await _admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "- . -" })).ExpectFieldErrorAsync("canonicalName");
        await (await _admin.PostJsonAsync("/api/v1/reference/calibres/99999/aliases", new { alias = "something new" })).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _recorder.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Not An Admin" })).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}
