using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using IArms.Api.Tests.Tracing;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Contract;

/// <summary>Issue 15: one page shape for every list, ETag and 304 on single resources, If-Match on DELETE, the externalId lookup.</summary>
public class PagesAndConditionalRequestTests : ApiFixture
{
    private HttpClient _admin = null!;
    private HttpClient _france = null!;
    private HttpClient _germany = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _admin = App.Admin();
        _france = await App.AgencyAsync("FR-NCB", "FR", "search", "record", "trace");
        _germany = await App.AgencyAsync("DE-BKA", "DE", "search", "record", "trace");
    }

    [OneTimeTearDown]
    public void Stop() => _admin.Dispose();

    /// <summary>Follows <c>nextCursor</c> from the first page to the last, and returns every item.</summary>
    private static async Task<List<JsonNode>> AllPagesAsync(HttpClient client, string url, int limit)
    {
        var items = new List<JsonNode>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var separator = url.Contains('?') ? '&' : '?';
            var page = await (await client.GetAsync($"{url}{separator}limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}"))
                .ExpectAsync(HttpStatusCode.OK);
            Assert.That(page["items"]!.AsArray(), Has.Count.LessThanOrEqualTo(limit));
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            cursor = (string?)page["nextCursor"];
            Assert.That(++pages, Is.LessThan(1000));
        }
        while (cursor is not null);
        return items;
    }

    [Test]
    public async Task TheAgencyDirectoryIsPagedInCodeOrderAcrossPages()
    {
        for (var i = 0; i < 5; i++)
        {
            await (await _admin.PostJsonAsync("/api/v1/agencies", new { code = $"PG-A{i}", name = $"Paging agency {i}", countryCode = "PL" }))
                .ExpectAsync(HttpStatusCode.Created);
        }
        var firstPage = await (await _france.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
        var all = await AllPagesAsync(_france, "/api/v1/agencies", 2);

        var codes = all.Select(a => (string)a["code"]!).ToList();
        Assert.That(codes, Is.EqualTo(firstPage["items"]!.AsArray().Select(a => (string)a!["code"]!)), "Pages of two add up to the one default page.");
        Assert.That(codes, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(codes, Is.Unique);
        Assert.That(codes, Does.Contain("PG-A0").And.Contain("PG-A4").And.Contain("FR-NCB"));
    }

    [Test]
    public async Task AnAgencysKeysArePagedAcrossPages()
    {
        for (var i = 0; i < 3; i++)
        {
            await (await _admin.PostJsonAsync("/api/v1/agencies/DE-BKA/api-keys", new { roles = new[] { "search" }, label = $"paging {i}" }))
                .ExpectAsync(HttpStatusCode.Created);
        }
        var all = await AllPagesAsync(_admin, "/api/v1/agencies/DE-BKA/api-keys", 1);

        Assert.That(all.Select(k => (long)k["id"]!), Is.Ordered.And.Unique);
        Assert.That(all.Select(k => (string)k["label"]!), Is.SupersetOf(new[] { "paging 0", "paging 1", "paging 2" }));
    }

    [TestCase("/api/v1/reference/makes")]
    [TestCase("/api/v1/reference/calibres?q=9mm")]
    [TestCase("/api/v1/reference/types")]
    [TestCase("/api/v1/trace-requests/stats")]
    public async Task ABoundedListAnswersThePageShapeWithEveryItemAndNoNextCursor(string url)
    {
        var page = await (await _france.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);

        Assert.That(page, Is.InstanceOf<JsonObject>());
        Assert.That(page["items"], Is.InstanceOf<JsonArray>());
        Assert.That(page.AsObject().ContainsKey("nextCursor"), Is.True);
        Assert.That(page["nextCursor"], Is.Null);
    }

    [Test]
    public async Task ABadCursorOrLimitOnTheDirectoryIsA400()
    {
        await (await _france.GetAsync("/api/v1/agencies?cursor=nonsense")).ExpectFieldErrorAsync("cursor");
        await (await _france.GetAsync("/api/v1/agencies?limit=0")).ExpectFieldErrorAsync("limit");
        await (await _admin.GetAsync($"/api/v1/agencies/FR-NCB/api-keys?cursor={Uri.EscapeDataString("djE6RlItTkNC")}")).ExpectFieldErrorAsync("cursor");
    }

    [Test]
    public async Task AFirearmAnswers304ToItsETagAnd200OnceItChanged()
    {
        var created = await _france.PostJsonAsync("/api/v1/firearms", Firearm("CR-2001"));
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var location = created.Headers.Location!.ToString();
        var etag = created.Headers.ETag!.ToString();

        var unchanged = await _germany.SendJsonAsync(HttpMethod.Get, location, null, ("If-None-Match", etag));
        Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(await unchanged.Content.ReadAsStringAsync(), Is.Empty);
        Assert.That(unchanged.Headers.ETag!.ToString(), Is.EqualTo(etag));

        var record = Firearm("CR-2001") with { ExternalId = (string)body["externalId"]!, Status = "recovered" };
        await (await _france.SendJsonAsync(HttpMethod.Put, location, record, ("If-Match", etag))).ExpectAsync(HttpStatusCode.OK);

        var changed = await _germany.SendJsonAsync(HttpMethod.Get, location, null, ("If-None-Match", etag));
        var after = await changed.ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)after["status"], Is.EqualTo("recovered"));
        Assert.That(changed.Headers.ETag!.ToString(), Is.Not.EqualTo(etag));
    }

    [Test]
    public async Task ATraceReportAndATraceRequestAnswer304UntilTheyChange()
    {
        var firearmId = await Chains.RecordAsync(_france);
        var report = await _france.GetAsync(Chains.Trace(firearmId));
        await report.ExpectAsync(HttpStatusCode.OK);
        var reportTag = report.Headers.ETag!.ToString();
        Assert.That((await _france.SendJsonAsync(HttpMethod.Get, Chains.Trace(firearmId), null, ("If-None-Match", reportTag))).StatusCode,
            Is.EqualTo(HttpStatusCode.NotModified));

        var request = await (await _france.PostJsonAsync("/api/v1/trace-requests", new { firearmId, toAgency = "DE-BKA", priority = "routine" }))
            .ExpectAsync(HttpStatusCode.Created);
        var url = $"/api/v1/trace-requests/{(long)request["id"]!}";
        var read = await _france.GetAsync(url);
        await read.ExpectAsync(HttpStatusCode.OK);
        var requestTag = read.Headers.ETag!.ToString();
        Assert.That((await _france.SendJsonAsync(HttpMethod.Get, url, null, ("If-None-Match", requestTag))).StatusCode, Is.EqualTo(HttpStatusCode.NotModified));

        await (await _germany.PostJsonAsync($"{url}/response", new
        {
            outcome = "traced",
            events = new[] { Chains.Ev("manufactured", "2015-01-01", to: Chains.P("Glock", "manufacturer", "AT")) },
            notes = "",
        })).ExpectAsync(HttpStatusCode.OK);

        var answered = await _france.SendJsonAsync(HttpMethod.Get, url, null, ("If-None-Match", requestTag));
        Assert.That((string?)(await answered.ExpectAsync(HttpStatusCode.OK))["status"], Is.EqualTo("answered"));
        var newReport = await _france.SendJsonAsync(HttpMethod.Get, Chains.Trace(firearmId), null, ("If-None-Match", reportTag));
        Assert.That((await newReport.ExpectAsync(HttpStatusCode.OK))["chain"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AnImportJobAnswers304ToItsETag()
    {
        var line = System.Text.Json.JsonSerializer.Serialize(Firearm("CR-2002"), System.Text.Json.JsonSerializerOptions.Web);
        var (_, id) = await Bulk.Imports.UploadAsync(_france, System.Text.Encoding.UTF8.GetBytes(line + "\n"), "application/x-ndjson");
        await Bulk.Imports.FinishedAsync(_france, id);
        var read = await _france.GetAsync($"/api/v1/imports/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);

        var again = await _france.SendJsonAsync(HttpMethod.Get, $"/api/v1/imports/{id}", null, ("If-None-Match", read.Headers.ETag!.ToString()));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task WithdrawingWithoutIfMatchIs428AndWithAStaleOneIs412AndNothingIsWithdrawn()
    {
        var created = await _france.PostJsonAsync("/api/v1/firearms", Firearm("CR-2003"));
        var body = await created.ExpectAsync(HttpStatusCode.Created);
        var location = created.Headers.Location!.ToString();
        var etag = created.Headers.ETag!.ToString();

        var missing = await (await _france.DeleteAsync(location)).ExpectProblemAsync((HttpStatusCode)428);
        Assert.That((string?)missing["detail"], Does.Contain("If-Match"));
        // Another agency is told it may not withdraw the record, not that it lacks a header.
        await (await _germany.DeleteAsync(location)).ExpectProblemAsync(HttpStatusCode.Forbidden);

        var record = Firearm("CR-2003") with { ExternalId = (string)body["externalId"]!, Notes = "changed" };
        await (await _france.SendJsonAsync(HttpMethod.Put, location, record, ("If-Match", etag))).ExpectAsync(HttpStatusCode.OK);
        await (await _france.SendJsonAsync(HttpMethod.Delete, location, null, ("If-Match", etag))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await _france.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);

        await (await _france.WithdrawAsync(location)).ExpectAsync(HttpStatusCode.NoContent);
        await (await _france.GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task TheExternalIdLookupFindsOnlyTheCallersOwnRecord()
    {
        var shared = $"SHARED-{Guid.NewGuid():N}"[..20];
        var french = await (await _france.PostJsonAsync("/api/v1/firearms", Firearm("CR-2004") with { ExternalId = shared })).ExpectAsync(HttpStatusCode.Created);
        var german = await (await _germany.PostJsonAsync("/api/v1/firearms", Firearm("CR-2005") with { ExternalId = shared })).ExpectAsync(HttpStatusCode.Created);

        var mine = await (await _france.GetAsync($"/api/v1/firearms?externalId={shared}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(mine["items"]!.AsArray().Select(i => (long)i!["id"]!), Is.EqualTo(new[] { (long)french["id"]! }));
        Assert.That(mine["nextCursor"], Is.Null);

        var theirs = await (await _germany.GetAsync($"/api/v1/firearms?externalId={shared}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(theirs["items"]!.AsArray().Select(i => (long)i!["id"]!), Is.EqualTo(new[] { (long)german["id"]! }));

        var exact = await (await _france.GetAsync($"/api/v1/firearms?externalId={shared.ToLowerInvariant()}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(exact["items"]!.AsArray(), Is.Empty, "The lookup is exact.");
        await (await _france.GetAsync("/api/v1/firearms?externalId=")).ExpectFieldErrorAsync("externalId");
    }
}
