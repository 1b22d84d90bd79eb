using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Security;

/// <summary>
/// Every operation of the served OpenAPI document, called by every kind of caller, against real
/// records made in set-up. A route added without an entry in <see cref="Expectations"/> fails the
/// coverage test, so no route ships without someone deciding who may call it.
/// </summary>
public class AuthorizationMatrixTests : ApiFixture
{
    /// <summary>What a caller whose roles pass the route's policy may do to another agency's record.</summary>
    private enum Reach
    {
        /// <summary>Allowed: the operation is not about a record the caller may be kept from.</summary>
        Allowed,

        /// <summary>Must answer 403 or 404, never 2xx.</summary>
        Denied,

        /// <summary>Must be refused with a 4xx (403, 404, 409 or 422): the caller may see the record, but not do this with it.</summary>
        Refused,
    }

    /// <param name="Roles">Roles any one of which passes the policy; null for an anonymous route.</param>
    /// <param name="Foreign">An agency inside the record's visibility that does not own it nor take part in the trace request.</param>
    /// <param name="Outside">An agency outside the record's visibility.</param>
    /// <param name="Owner">The owner's own keys, one role each: allowed unless the operation belongs to another party (an answer is the addressee's).</param>
    /// <param name="Addressee">An agency outside the visibility to which the owner sent a trace request about the record; as <paramref name="Outside"/> unless given.</param>
    private sealed record Expectation(
        string[]? Roles, Reach Foreign, Reach Outside, Func<World, Dictionary<string, string>>? Path = null, Func<World, object>? Body = null,
        Reach Owner = Reach.Allowed, Reach? Addressee = null);

    private static readonly string[] AnyRole = ["search", "record", "trace", "audit", "admin", "analysis"];
    private static readonly string[] PartyRoles = ["search", "record", "trace", "audit"];

    private static readonly Dictionary<string, Expectation> Expectations = new()
    {
        // The health probes are not in the contract (anonymous, not rate limited): Operations/HealthAndShutdownTests covers them.

        ["ListAgencies"] = new(AnyRole, Reach.Allowed, Reach.Allowed),
        // Only the central administrator (HQ) registers agencies and changes the reference table: the owner's admin is an agency's.
        ["CreateAgency"] = new(["admin"], Reach.Denied, Reach.Denied, Body: w => new { code = w.NextAgencyCode(), name = "Matrix agency", countryCode = "NL" }, Owner: Reach.Denied),
        ["ListApiKeys"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner }),
        ["CreateApiKey"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner }, _ => new { roles = new[] { "search" }, label = "matrix" }),
        ["RevokeApiKey"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = w.SpareKeyId }),
        // Officer accounts are managed like keys: the agency's own admin, or the central administrator.
        ["CreateOfficer"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner },
            w => new { username = $"matrix.officer{w.Sequence()}", displayName = "Matrix officer", roles = new[] { "search" } }),
        ["ListOfficers"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner }),
        ["DisableOfficer"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = "999999" }),

        ["ListAlerts"] = new(AnyRole, Reach.Allowed, Reach.Allowed),
        ["AcknowledgeAlert"] = new(AnyRole, Reach.Denied, Reach.Denied, w => new() { ["id"] = w.AlertId }),

        ["ListAuditEntries"] = new(["audit", "admin"], Reach.Allowed, Reach.Allowed),
        // The chain is the central administration's to verify: every agency's key is refused.
        ["VerifyAuditChain"] = new(["audit", "admin"], Reach.Denied, Reach.Denied, Owner: Reach.Denied),

        ["CreateFirearm"] = new(["record"], Reach.Allowed, Reach.Allowed, Body: _ => Firearm("MX 500-600")),
        ["ListFirearms"] = new(["search"], Reach.Allowed, Reach.Allowed),
        ["GetFirearm"] = new(["search"], Reach.Allowed, Reach.Denied, w => new() { ["id"] = w.FirearmId }),
        ["ReplaceFirearm"] = new(["record"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.FirearmId }, w => w.Record),
        ["WithdrawFirearm"] = new(["record"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.FirearmId }),

        ["ListMakes"] = new(AnyRole, Reach.Allowed, Reach.Allowed),
        ["ListCalibres"] = new(AnyRole, Reach.Allowed, Reach.Allowed),
        ["ListTypes"] = new(AnyRole, Reach.Allowed, Reach.Allowed),
        ["CreateMake"] = new(["admin"], Reach.Denied, Reach.Denied, Body: w => new { canonicalName = $"Matrix Arms {w.NextAgencyCode()}" }, Owner: Reach.Denied),
        ["CreateCalibre"] = new(["admin"], Reach.Denied, Reach.Denied, Body: w => new { canonicalName = $"{w.Sequence()}x99mm Matrix" }, Owner: Reach.Denied),
        ["AddMakeAlias"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.MakeId }, w => new { alias = $"Matrix alias {w.Sequence()}" }, Owner: Reach.Denied),
        ["AddCalibreAlias"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.CalibreId }, w => new { alias = $"{w.Sequence()} matrix" }, Owner: Reach.Denied),

        ["SearchSerial"] = new(["search"], Reach.Allowed, Reach.Allowed, Body: w => new { serialNumber = World.Serial, purpose = "investigation" }),
        // Jobs are the agency's own: another agency's id answers 404 like an unknown one. CreateImport's body is sent as
        // JSON, which it answers 415 (it reads NDJSON or CSV) once authentication and authorization have let it through.
        ["CreateImport"] = new(["record"], Reach.Allowed, Reach.Allowed, Body: _ => new { }),
        ["ListImports"] = new(["record"], Reach.Allowed, Reach.Allowed),
        ["ExportFirearms"] = new(["search"], Reach.Allowed, Reach.Allowed),
        ["GetImport"] = new(["record"], Reach.Denied, Reach.Denied, _ => new() { ["id"] = "999999" }),
        ["ListImportErrors"] = new(["record"], Reach.Denied, Reach.Denied, _ => new() { ["id"] = "999999" }),
        ["CancelImport"] = new(["record"], Reach.Denied, Reach.Denied, _ => new() { ["id"] = "999999" }),
        ["SearchSerialBatch"] = new(["search"], Reach.Allowed, Reach.Allowed,
            Body: w => new { purpose = "investigation", items = new[] { new { @ref = "1", serialNumber = World.Serial } } }),

        // Only the owner may name an addressee outside the record's visibility (issue 11, defect 1): 422 for anyone else.
        ["CreateTraceRequest"] = new(["trace"], Reach.Refused, Reach.Denied,
            Body: w => new { firearmId = long.Parse(w.FirearmId, System.Globalization.CultureInfo.InvariantCulture), toAgency = World.Addressee }),
        ["ListTraceRequests"] = new(["trace"], Reach.Allowed, Reach.Allowed),
        ["GetTraceRequestStats"] = new(["trace"], Reach.Allowed, Reach.Allowed),
        ["GetTraceRequest"] = new(["trace"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.TraceRequestId }, Addressee: Reach.Allowed),
        ["AnswerTraceRequest"] = new(["trace"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.TraceRequestId },
            _ => new { outcome = "not-traced", reasonCode = "no-record" }, Owner: Reach.Denied, Addressee: Reach.Allowed),
        ["CloseTraceRequest"] = new(["trace"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.TraceRequestId }),
        ["AddCustodyEvent"] = new(["record", "trace"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.FirearmId },
            _ => new
            {
                type = "sold", date = "2016-05-01", countryCode = "FR",
                fromParty = new { name = "Armurerie Matrix", kind = "dealer", countryCode = "FR" },
                toParty = new { name = "A. Person", kind = "private-person", countryCode = "FR" },
            },
            // Issue 11: only the owner adds events directly; others contribute through trace answers.
            Addressee: Reach.Denied),
        // Only the event's source retracts it; the owner's first key retracts, its later keys meet a 409.
        ["RetractCustodyEvent"] = new(["record", "trace"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.FirearmId, ["eventId"] = w.EventId },
            _ => new { reason = "Entered on the wrong record." }),
        // Aggregates over what the caller's agency may see (their numbers are tested against visibility elsewhere).
        ["GetTraffickingRoutes"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed),
        ["GetDiversionSources"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed),
        ["GetAnalysisParties"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed),
        ["GetPartyNetwork"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed, _ => new() { ["id"] = "p0000000000000000" }),
        ["ExportPartyNetworkGraphML"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed),
        ["GetSerialRuns"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed),
        ["GetAnalysisTrends"] = new(["analysis", "admin"], Reach.Allowed, Reach.Allowed),
        // Webhooks are managed by the agency's admin (and HQ's): every other key is refused, another agency's admin too.
        ["CreateWebhook"] = new(["admin"], Reach.Denied, Reach.Denied, _ => new() { ["code"] = World.Owner },
            _ => new { url = "https://203.0.113.9/hooks", events = new[] { "hit" } }),
        ["ListWebhooks"] = new(["admin"], Reach.Denied, Reach.Denied, _ => new() { ["code"] = World.Owner }),
        ["GetWebhook"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = w.WebhookId }),
        ["DeleteWebhook"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = w.WebhookId }),
        ["TestWebhook"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = w.WebhookId }),
        ["RotateWebhookSecret"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = w.WebhookId }),
        ["ListWebhookDeliveries"] = new(["admin"], Reach.Denied, Reach.Denied, w => new() { ["code"] = World.Owner, ["id"] = w.WebhookId }),
        ["RedeliverWebhook"] = new(["admin"], Reach.Denied, Reach.Denied,
            w => new() { ["code"] = World.Owner, ["id"] = w.WebhookId, ["deliveryId"] = w.DeliveryId }),
        // Notices: sent with the record role; seen, acknowledged and withdrawn only by their sender and addressees.
        // The world's notice is the owner's to Germany: the foreign agency (DE) is an addressee, the others are not.
        ["CreateNotice"] = new(["record"], Reach.Allowed, Reach.Allowed,
            Body: _ => new { kind = "trafficking-pattern", title = "Matrix notice", summary = "A pattern.", countries = new[] { "all" } }),
        ["ListNotices"] = new(AnyRole, Reach.Allowed, Reach.Allowed),
        ["GetNotice"] = new(AnyRole, Reach.Allowed, Reach.Denied, w => new() { ["id"] = w.NoticeId }),
        ["AcknowledgeNotice"] = new(AnyRole, Reach.Allowed, Reach.Denied, w => new() { ["id"] = w.NoticeId }, Owner: Reach.Denied),
        ["WithdrawNotice"] = new(["record"], Reach.Denied, Reach.Denied, w => new() { ["id"] = w.NoticeId }),
        // The owner shared the record through a request that stays open here (issue 11: the access ends when it closes).
        ["GetTraceReport"] = new(["search"], Reach.Allowed, Reach.Denied, w => new() { ["id"] = w.FirearmId }, Addressee: Reach.Allowed),
    };

    // The matrix presents a bad and a revoked key to every operation; the failed-authentication limit is tested elsewhere.
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Authentication:FailedAttemptLimit"] = "100000",
    };

    private World _world = null!;
    private List<Operation> _operations = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _world = await World.CreateAsync(App);
        using var anonymous = App.ClientWithKey(null);
        var document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        _operations = Operation.All(document);
    }

    [Test]
    public void EveryOperationHasAnExpectationAndEveryExpectationAnOperation()
    {
        var served = _operations.Select(o => o.Id).ToHashSet();

        Assert.Multiple(() =>
        {
            Assert.That(served.Except(Expectations.Keys), Is.Empty, "operations without an entry in the authorization matrix");
            Assert.That(Expectations.Keys.Except(served), Is.Empty, "entries in the authorization matrix for operations that no longer exist");
            foreach (var operation in _operations.Where(o => Expectations.ContainsKey(o.Id)))
            {
                var expected = Expectations[operation.Id];
                Assert.That(expected.Body is not null, Is.EqualTo(operation.HasBody), $"{operation.Id}: a body exactly when the operation takes one");
                Assert.That(operation.PathParameters.Except(expected.Path?.Invoke(_world).Keys.AsEnumerable() ?? []), Is.Empty, $"{operation.Id}: every path parameter filled");
            }
        });
    }

    [Test]
    public async Task EveryOperationAnswersEveryCallerAsExpected()
    {
        var failures = new List<string>();
        // Withdrawing the record and revoking the spare key come last, so that every other cell still sees them.
        foreach (var operation in _operations.Where(o => Expectations.ContainsKey(o.Id)).OrderBy(o => o.Method == HttpMethod.Delete))
        {
            var expected = Expectations[operation.Id];
            foreach (var caller in _world.Callers)
            {
                var status = await SendAsync(operation, expected, caller.Key);
                var verdict = Judge(expected, caller, status);
                if (verdict is not null)
                {
                    failures.Add($"{operation.Method} {operation.Template} ({operation.Id}) as {caller.Name}: {(int)status} {verdict}");
                }
            }
        }

        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
    }

    private static string? Judge(Expectation expected, Caller caller, HttpStatusCode status)
    {
        var code = (int)status;
        if (code >= 500)
        {
            return "is a server error";
        }
        if (expected.Roles is null)
        {
            return code is >= 200 and < 300 ? null : "should be 2xx: the route is anonymous";
        }
        if (caller.Roles.Length == 0)
        {
            return code == 401 ? null : "should be 401";
        }
        if (!caller.Roles.Intersect(expected.Roles).Any())
        {
            return code == 403 ? null : "should be 403: no role of the caller passes the policy";
        }
        var reach = caller.Kind switch
        {
            CallerKind.Foreign => expected.Foreign,
            CallerKind.Outside => expected.Outside,
            CallerKind.Addressee => expected.Addressee ?? expected.Outside,
            _ => expected.Owner,
        };
        return reach switch
        {
            Reach.Denied => code is 403 or 404 ? null : "should be 403 or 404: the record is not the caller's",
            Reach.Refused => code is 403 or 404 or 409 or 422 ? null : "should be refused with 403, 404, 409 or 422",
            _ => code is 401 or 403 or 429 ? "should pass authentication and authorization" : null,
        };
    }

    private async Task<HttpStatusCode> SendAsync(Operation operation, Expectation expected, string? key)
    {
        var url = operation.Template;
        foreach (var (name, value) in expected.Path?.Invoke(_world) ?? [])
        {
            url = url.Replace($"{{{name}}}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }
        using var request = new HttpRequestMessage(operation.Method, url);
        if (expected.Body is not null)
        {
            request.Content = JsonContent.Create(expected.Body(_world), options: JsonSerializerOptions.Web);
        }
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }
        if (operation.Method == HttpMethod.Put || operation.Id == "WithdrawFirearm")
        {
            // The current ETag, so that a caller who may not change the record is refused for that reason, not for a stale version.
            request.Headers.TryAddWithoutValidation("If-Match", await _world.CurrentETagAsync());
        }
        using var client = App.ClientWithKey(null);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private sealed record Operation(string Id, HttpMethod Method, string Template, bool HasBody, string[] PathParameters)
    {
        public static List<Operation> All(JsonNode document)
        {
            return document["paths"]!.AsObject()
                .SelectMany(path => path.Value!.AsObject().Select(op => new Operation(
                    (string)op.Value!["operationId"]!,
                    HttpMethod.Parse(op.Key),
                    path.Key,
                    op.Value["requestBody"] is not null,
                    op.Value["parameters"]?.AsArray().Where(p => (string?)p!["in"] == "path").Select(p => (string)p!["name"]!).ToArray() ?? [])))
                .ToList();
        }
    }

    private enum CallerKind { Unauthenticated, Owner, Foreign, Outside, Addressee }

    private sealed record Caller(string Name, string? Key, string[] Roles, CallerKind Kind);

    /// <summary>The agencies, keys and records every cell is played against.</summary>
    private sealed class World
    {
        public const string Owner = "FR-OWN";
        public const string Addressee = "US-ADR";
        public const string Serial = "MX 123-987";

        private IArmsApplication _app = null!;
        private int _sequence;

        public List<Caller> Callers { get; } = [];
        public string FirearmId { get; private set; } = "";
        public FirearmBody Record { get; private set; } = null!;
        public string AlertId { get; private set; } = "";
        public string TraceRequestId { get; private set; } = "";
        public string EventId { get; private set; } = "";
        public string SpareKeyId { get; private set; } = "";
        public string MakeId { get; private set; } = "";
        public string CalibreId { get; private set; } = "";
        public string WebhookId { get; private set; } = "";
        public string DeliveryId { get; private set; } = "";
        public string NoticeId { get; private set; } = "";
        private string OwnerKey { get; set; } = "";

        public int Sequence() => Interlocked.Increment(ref _sequence);

        public string NextAgencyCode() => $"MX-{Sequence():D4}";

        public static async Task<World> CreateAsync(IArmsApplication app)
        {
            var world = new World { _app = app };
            using var admin = app.Admin();
            foreach (var (code, country) in new[] { (Owner, "FR"), ("DE-FOR", "DE"), ("IT-OUT", "IT"), (Addressee, "US") })
            {
                await (await admin.PostJsonAsync("/api/v1/agencies", new { code, name = $"Agency {code}", countryCode = country })).ExpectAsync(HttpStatusCode.Created);
            }
            async Task<(string Id, string Key)> IssueAsync(string code, params string[] roles)
            {
                var body = await (await admin.PostJsonAsync($"/api/v1/agencies/{code}/api-keys", new { roles, label = "matrix" })).ExpectAsync(HttpStatusCode.Created);
                return (((long)body["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture), (string)body["key"]!);
            }

            world.OwnerKey = (await IssueAsync(Owner, PartyRoles)).Key;
            var foreign = (await IssueAsync("DE-FOR", PartyRoles)).Key;
            var outside = (await IssueAsync("IT-OUT", PartyRoles)).Key;
            var addressee = (await IssueAsync(Addressee, "search", "trace")).Key;
            var revoked = await IssueAsync(Owner, AnyRole);
            await (await admin.DeleteAsync($"/api/v1/agencies/{Owner}/api-keys/{revoked.Id}")).ExpectAsync(HttpStatusCode.NoContent);
            world.SpareKeyId = (await IssueAsync(Owner, "search")).Id;

            world.Callers.Add(new("no key", null, [], CallerKind.Unauthenticated));
            world.Callers.Add(new("a bad key", "iak_not-a-key-of-anyone-000000", [], CallerKind.Unauthenticated));
            world.Callers.Add(new("a revoked key", revoked.Key, [], CallerKind.Unauthenticated));
            world.Callers.Add(new("a foreign agency inside the visibility", foreign, PartyRoles, CallerKind.Foreign));
            world.Callers.Add(new("an agency outside the visibility", outside, PartyRoles, CallerKind.Outside));
            world.Callers.Add(new("the addressee of the owner's trace request, outside the visibility", addressee, ["search", "trace"], CallerKind.Addressee));
            foreach (var role in AnyRole)
            {
                world.Callers.Add(new($"the owner's {role} key alone", (await IssueAsync(Owner, role)).Key, [role], CallerKind.Owner));
            }

            using var owner = app.ClientWithKey(world.OwnerKey);
            world.Record = Firearm(Serial) with { Visibility = new VisibilityBody("countries", ["DE"]) };
            var created = await (await owner.PostJsonAsync("/api/v1/firearms", world.Record)).ExpectAsync(HttpStatusCode.Created);
            world.FirearmId = ((long)created["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

            var made = await (await owner.PostJsonAsync($"/api/v1/firearms/{world.FirearmId}/custody-events", new
            {
                type = "manufactured", date = $"{world.Record.YearOfManufacture ?? 2015}-03-02", countryCode = "AT",
                toParty = new { name = "Matrix Werke", kind = "manufacturer", countryCode = "AT" },
            })).ExpectAsync(HttpStatusCode.Created);
            world.EventId = ((long)made["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

            // A search by an agency that sees the stolen record raises a hit in the owner's inbox.
            using var foreignClient = app.ClientWithKey(foreign);
            await (await foreignClient.PostJsonAsync("/api/v1/searches", new { serialNumber = Serial, purpose = "seizure" })).ExpectAsync(HttpStatusCode.OK);
            var alerts = await (await owner.GetAsync("/api/v1/alerts")).ExpectAsync(HttpStatusCode.OK);
            world.AlertId = ((long)alerts["items"]!.AsArray().First()!["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

            var trace = await (await owner.PostJsonAsync("/api/v1/trace-requests", new { firearmId = (long)created["id"]!, toAgency = Addressee }))
                .ExpectAsync(HttpStatusCode.Created);
            world.TraceRequestId = ((long)trace["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

            var makes = (await (await owner.GetAsync("/api/v1/reference/makes?q=Glock")).ExpectAsync(HttpStatusCode.OK))["items"]!;
            world.MakeId = ((long)Items(makes).First()["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var calibres = (await (await owner.GetAsync("/api/v1/reference/calibres?q=9x19")).ExpectAsync(HttpStatusCode.OK))["items"]!;
            world.CalibreId = ((long)Items(calibres).First()["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

            // A documentation address (TEST-NET-3): public, so registrable; the dispatcher's attempts there simply fail.
            var webhook = await (await admin.PostJsonAsync($"/api/v1/agencies/{Owner}/webhooks", new { url = "https://203.0.113.9/hooks", events = new[] { "hit" } }))
                .ExpectAsync(HttpStatusCode.Created);
            world.WebhookId = ((long)webhook["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var ping = await (await admin.PostAsync($"/api/v1/agencies/{Owner}/webhooks/{world.WebhookId}/test", null)).ExpectAsync(HttpStatusCode.Accepted);
            world.DeliveryId = ((long)ping["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);

            var notice = await (await owner.PostJsonAsync("/api/v1/notices", new
            {
                kind = "firearms-wanted", title = "Matrix notice", summary = "Wanted.", firearmIds = new[] { (long)created["id"]! }, countries = new[] { "DE" },
            })).ExpectAsync(HttpStatusCode.Created);
            world.NoticeId = ((long)notice["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return world;
        }

        private static IEnumerable<JsonNode> Items(JsonNode list) => (list as JsonArray ?? list["items"]!.AsArray()).Select(n => n!);

        public async Task<string> CurrentETagAsync()
        {
            using var owner = _app.ClientWithKey(OwnerKey);
            var response = await owner.GetAsync($"/api/v1/firearms/{FirearmId}");
            return response.Headers.ETag?.ToString() ?? "\"gone\"";
        }
    }
}
