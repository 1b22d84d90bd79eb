using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Audit;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Audit;

public class AuditTrailTests : ApiFixture
{
    private HttpClient _owner = null!;
    private HttpClient _other = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _admin = App.Admin();
        _owner = await App.AgencyAsync("FR-NCB", "FR", "search", "record", "audit");
        _other = await App.AgencyAsync("DE-BKA", "DE", "search", "record", "audit");
    }

    [OneTimeTearDown]
    public void Stop() => _admin.Dispose();

    /// <summary>The central administrator's view of the entries about one object, oldest first.</summary>
    private async Task<List<JsonNode>> EntriesAsync(string query)
    {
        var page = await (await _admin.GetAsync($"/api/v1/audit?limit=200&{query}")).ExpectAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Select(e => e!).Reverse().ToList();
    }

    [Test]
    public void EveryMappedEndpointUnderApiV1CarriesAuditMetadata()
    {
        using var client = App.CreateClient();
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .ToList();
        Assert.That(endpoints, Has.Count.GreaterThan(20));
        var unaudited = endpoints.Where(e => e.Metadata.GetMetadata<AuditedMetadata>() is null).Select(e => e.RoutePattern.RawText).ToList();
        Assert.That(unaudited, Is.Empty, "every route names its audit action with .Audited(AuditActions.X)");
        var unknown = endpoints.Select(e => e.Metadata.GetMetadata<AuditedMetadata>()!.Action).Where(a => !AuditActions.All.Contains(a)).ToList();
        Assert.That(unknown, Is.Empty, "every action is listed in AuditActions.All, so GET /audit can filter by it");
    }

    [Test]
    public async Task ARecordsCreationReadReplacementAndWithdrawalAreAuditedWithTheirObjectAndStatus()
    {
        var created = await _owner.PostJsonAsync("/api/v1/firearms", Firearm("AUDIT 1001"));
        var id = (long)(await created.ExpectAsync(HttpStatusCode.Created))["id"]!;
        var read = await _owner.GetAsync($"/api/v1/firearms/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        var replaced = await _owner.SendJsonAsync(HttpMethod.Put, $"/api/v1/firearms/{id}", Firearm("AUDIT 1001") with { Status = "seized" },
            ("If-Match", read.Headers.ETag!.Tag));
        await replaced.ExpectAsync(HttpStatusCode.OK);
        await (await _other.SendJsonAsync(HttpMethod.Delete, $"/api/v1/firearms/{id}", null)).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await _owner.SendJsonAsync(HttpMethod.Delete, $"/api/v1/firearms/{id}", null, ("If-Match", replaced.Headers.ETag!.Tag)))
            .ExpectAsync(HttpStatusCode.NoContent);
        await (await _owner.GetAsync($"/api/v1/firearms/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);

        var entries = await EntriesAsync($"objectId=firearms/{id}");
        Assert.That(entries.Select(e => ((string?)e["action"], (string?)e["agency"], (string?)e["outcome"], (int?)e["statusCode"])), Is.EqualTo(new[]
        {
            ("firearm.create", "FR-NCB", "allowed", 201),
            ("firearm.read", "FR-NCB", "allowed", 200),
            ("firearm.replace", "FR-NCB", "allowed", 200),
            ("firearm.withdraw", "DE-BKA", "denied", 403),
            ("firearm.withdraw", "FR-NCB", "allowed", 204),
            ("firearm.read", "FR-NCB", "allowed", 404),
        }));
        var first = entries[0];
        Assert.That((string?)first["objectId"], Is.EqualTo($"firearms/{id}"));
        Assert.That((long?)first["keyId"], Is.GreaterThan(0));
        Assert.That(first.AsObject().ContainsKey("officer") && first["officer"] is null, "the officer is named once officer accounts exist");
        Assert.That(first.AsObject().ContainsKey("sourceAddress"));
        Assert.That((string?)entries[1]["query"], Is.EqualTo($"GET /api/v1/firearms/{id}"));
    }

    [Test]
    public async Task AListIsAuditedWithItsQueryAndAValidationFailureWithItsStatus()
    {
        await (await _owner.GetAsync("/api/v1/firearms?status=stolen&limit=5")).ExpectAsync(HttpStatusCode.OK);
        await (await _owner.GetAsync("/api/v1/firearms?status=borrowed")).ExpectFieldErrorAsync("status");
        await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("") with { SerialNumber = "" })).ExpectFieldErrorAsync("serialNumber");

        var lists = await EntriesAsync("action=firearm.list&agency=FR-NCB");
        Assert.That(lists.Select(e => (string?)e["query"]), Does.Contain("GET /api/v1/firearms?status=stolen&limit=5"));
        Assert.That(lists.Single(e => ((string?)e["query"])!.Contains("borrowed"))["statusCode"]!.GetValue<int>(), Is.EqualTo(400));
        var creates = await EntriesAsync("action=firearm.create&agency=FR-NCB");
        Assert.That(creates.Select(e => (int?)e["statusCode"]), Does.Contain(400), "a refused write is audited too");

        // A body that cannot even be read fails before any filter runs; it is audited all the same, once.
        await (await _other.PostRawAsync("/api/v1/firearms", "{\"serialNumber\": ")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        var unreadable = await EntriesAsync("action=firearm.create&agency=DE-BKA");
        Assert.That(unreadable.Select(e => (int?)e["statusCode"]), Is.EqualTo(new[] { 400 }));
    }

    [Test]
    public async Task AKeyWithoutTheRoleIsAuditedAsDenied()
    {
        using var searcher = await App.AgencyAsync("NL-KLPD", "NL", "search");
        await (await searcher.PostJsonAsync("/api/v1/firearms", Firearm())).ExpectProblemAsync(HttpStatusCode.Forbidden);

        var denied = await EntriesAsync("agency=NL-KLPD&outcome=denied");
        Assert.That(denied, Has.Count.EqualTo(1));
        Assert.That((string?)denied[0]["action"], Is.EqualTo("firearm.create"));
        Assert.That((int?)denied[0]["statusCode"], Is.EqualTo(403));
    }

    [Test]
    public async Task FailedAuthenticationIsAuditedAtMostOncePerAddressPerMinuteWithTheAttemptsInBetweenCounted()
    {
        using var stranger = App.ClientWithKey("iak_not-a-real-key");
        using var anonymous = App.ClientWithKey(null);
        await (await stranger.GetAsync("/api/v1/firearms/1")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await stranger.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        var failed = await EntriesAsync("outcome=failed-authentication");
        Assert.That(failed, Has.Count.EqualTo(1), "one entry per address per window");
        Assert.That((string?)failed[0]["action"], Is.EqualTo("firearm.read"));
        Assert.That((string?)failed[0]["agency"], Is.Null);
        Assert.That((long?)failed[0]["keyId"], Is.Null);
        Assert.That((int?)failed[0]["statusCode"], Is.EqualTo(401));
        Assert.That((string?)failed[0]["query"], Does.Contain("The API key is malformed, unknown or revoked."));

        App.Clock.Advance(FailedAuthenticationThrottle.Window);
        await (await stranger.GetAsync("/api/v1/alerts")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        failed = await EntriesAsync("outcome=failed-authentication");
        Assert.That(failed, Has.Count.EqualTo(2));
        Assert.That((string?)failed[1]["query"], Does.Contain("2 more failed attempts"));

        // Only the central administrator sees them: they belong to no agency.
        var own = await (await _owner.GetAsync("/api/v1/audit?outcome=failed-authentication")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(own["items"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task KeyIssuanceRevocationAndAgencyCreationAreAudited()
    {
        await (await _admin.PostJsonAsync("/api/v1/agencies", new { code = "BE-PF", name = "Police fédérale", countryCode = "BE" })).ExpectAsync(HttpStatusCode.Created);
        var issued = await (await _admin.PostJsonAsync("/api/v1/agencies/BE-PF/api-keys", new { roles = new[] { "admin" }, label = "BE admin" }))
            .ExpectAsync(HttpStatusCode.Created);
        var keyId = (long)issued["id"]!;
        await (await _admin.DeleteAsync($"/api/v1/agencies/BE-PF/api-keys/{keyId}")).ExpectAsync(HttpStatusCode.NoContent);

        var entries = await EntriesAsync("objectId=agencies/BE-PF");
        Assert.That(entries.Select(e => ((string?)e["action"], (string?)e["objectId"], (int?)e["statusCode"])), Is.EqualTo(new[]
        {
            ("agency.create", "agencies/BE-PF", 201),
            ("api-key.create", $"agencies/BE-PF/api-keys/{keyId}", 201),
            ("api-key.revoke", $"agencies/BE-PF/api-keys/{keyId}", 204),
        }));
        Assert.That(entries.Select(e => (string?)e["agency"]).Distinct(), Is.EqualTo(new[] { "HQ" }));
        Assert.That(string.Concat(entries.Select(e => e.ToJsonString())), Does.Not.Contain((string)issued["key"]!), "the secret is never audited");
    }

    [Test]
    public async Task ReadingTheAuditLogIsItselfAuditedAndTheNewFiltersAreValidated()
    {
        await (await _other.GetAsync("/api/v1/audit?action=search")).ExpectAsync(HttpStatusCode.OK);
        var reads = await EntriesAsync("agency=DE-BKA&action=audit.read");
        Assert.That(reads.Select(e => (string?)e["query"]), Does.Contain("GET /api/v1/audit?action=search"));

        await (await _other.GetAsync("/api/v1/audit?outcome=maybe")).ExpectFieldErrorAsync("outcome");
        await (await _other.GetAsync("/api/v1/audit?objectId=firearms/%25")).ExpectFieldErrorAsync("objectId");
        await (await _other.GetAsync("/api/v1/audit?action=firearm.teleport")).ExpectFieldErrorAsync("action");
    }

    [Test]
    public async Task ASearchKeepsItsOwnEntryAndAnAlertAcknowledgementIsAudited()
    {
        var answer = await (await _other.PostJsonAsync("/api/v1/searches", new { serialNumber = "NOTHING1", purpose = "seizure" })).ExpectAsync(HttpStatusCode.OK);
        var searches = await EntriesAsync("agency=DE-BKA&action=search");
        var entry = searches.Single(e => (string?)e["searchId"] == (string?)answer["searchId"]);
        Assert.That((string?)entry["purpose"], Is.EqualTo("seizure"));
        Assert.That((string?)entry["outcome"], Is.EqualTo("allowed"));
        Assert.That((int?)entry["statusCode"], Is.EqualTo(200));
        Assert.That(searches.Where(e => ((string?)e["query"])!.StartsWith("POST", StringComparison.Ordinal)), Is.Empty, "no second entry from the filter");

        await (await _other.PostAsync("/api/v1/alerts/999999/acknowledge", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
        var acks = await EntriesAsync("objectId=alerts/999999");
        Assert.That(acks.Select(e => ((string?)e["action"], (int?)e["statusCode"])), Is.EqualTo(new[] { ("alert.acknowledge", 404) }));
    }

    [Test]
    public async Task TraceRequestsTheirAnswerAndCloseCustodyEventsAndTraceReportsAreAudited()
    {
        using var requester = await App.AgencyAsync("IT-CC", "IT", "search", "record", "trace");
        using var addressee = await App.AgencyAsync("ES-GC", "ES", "search", "trace");
        var firearmId = (long)(await (await requester.PostJsonAsync("/api/v1/firearms", Firearm("TRACE 5005"))).ExpectAsync(HttpStatusCode.Created))["id"]!;
        var request = await (await requester.PostJsonAsync("/api/v1/trace-requests", new { firearmId, toAgency = "ES-GC" })).ExpectAsync(HttpStatusCode.Created);
        var id = (long)request["id"]!;
        await (await addressee.PostJsonAsync($"/api/v1/trace-requests/{id}/response", new { outcome = "not-traced", reasonCode = "no-record", events = Array.Empty<object>() }))
            .ExpectAsync(HttpStatusCode.OK);
        await (await requester.PostJsonAsync($"/api/v1/trace-requests/{id}/close", new { })).ExpectAsync(HttpStatusCode.OK);
        await (await requester.GetAsync($"/api/v1/firearms/{firearmId}/trace")).ExpectAsync(HttpStatusCode.OK);
        await (await requester.PostJsonAsync($"/api/v1/firearms/{firearmId}/custody-events", new { type = "teleported", date = "2026-01-01" }))
            .ExpectFieldErrorAsync("type");

        var onRequest = await EntriesAsync($"objectId=trace-requests/{id}");
        Assert.That(onRequest.Select(e => ((string?)e["action"], (string?)e["agency"], (int?)e["statusCode"])), Is.EqualTo(new[]
        {
            ("trace-request.create", "IT-CC", 201),
            ("trace-request.answer", "ES-GC", 200),
            ("trace-request.close", "IT-CC", 200),
        }));
        var onFirearm = await EntriesAsync($"objectId=firearms/{firearmId}");
        Assert.That(onFirearm.Select(e => ((string?)e["action"], (int?)e["statusCode"])), Is.EqualTo(new[]
        {
            ("firearm.create", 201), ("trace.read", 200), ("custody-event.add", 400),
        }));
    }
}
