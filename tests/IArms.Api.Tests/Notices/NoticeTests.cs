using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Notices;

/// <summary>Notices from one country to many: addressing, visibility, acknowledgement, withdrawal, expiry, and search.</summary>
public class NoticeTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Webhooks:AllowLoopback"] = "true",
        ["Webhooks:PollMilliseconds"] = "50",
    };

    private HttpClient _fr = null!;
    private HttpClient _de = null!;
    private HttpClient _deAdmin = null!;
    private HttpClient _be = null!;
    private HttpClient _it = null!;
    private HttpClient _es = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _fr = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _de = await App.AgencyAsync("DE-BKA", "DE", "search", "record");
        _deAdmin = await App.AgencyAsync("DE-BKA", "DE", "admin");
        _be = await App.AgencyAsync("BE-POL", "BE", "search", "record");
        _it = await App.AgencyAsync("IT-CC", "IT", "search", "record");
        _es = await App.AgencyAsync("ES-CNP", "ES", "search", "record");
    }

    private static async Task<long> RecordAsync(HttpClient owner, string serial, string make = "Glock", string[]? countries = null, string status = "stolen")
    {
        var body = Firearm(serial) with
        {
            Make = make, Status = status,
            Visibility = countries is null ? new VisibilityBody("all") : new VisibilityBody("countries", countries),
        };
        return (long)(await (await owner.PostJsonAsync("/api/v1/firearms", body)).ExpectAsync(HttpStatusCode.Created))["id"]!;
    }

    private static async Task<JsonNode> NoticeAsync(HttpClient sender, object body) =>
        await (await sender.PostJsonAsync("/api/v1/notices", body)).ExpectAsync(HttpStatusCode.Created);

    private static object Body(string[] countries, long[]? firearmIds = null, object? serialRun = null, string? expiresAt = null, string title = "Rifles stolen from a depot") =>
        new { kind = "firearms-wanted", title, summary = "Twelve rifles were taken from the Lille depot on 20 November.", firearmIds = firearmIds ?? [], serialRun, countries, expiresAt };

    private static async Task<List<JsonNode>> AlertsAsync(HttpClient client, string kind) =>
        [.. (await (await client.GetAsync($"/api/v1/alerts?kind={kind}&limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Select(a => a!)];

    private static async Task<JsonArray> SearchNoticesAsync(HttpClient client, string serial, long firearmId)
    {
        var answer = await (await client.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, purpose = "investigation" })).ExpectAsync(HttpStatusCode.OK);
        var result = answer["results"]!.AsArray().Single(r => (long)r!["firearm"]!["id"]! == firearmId)!;
        return result["notices"]!.AsArray();
    }

    [Test]
    public async Task ANoticeToAllReachesEveryAgencysInboxAndItsSubscribedWebhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hook = await (await _deAdmin.PostJsonAsync("/api/v1/agencies/DE-BKA/webhooks", new { url = receiver.Url, events = new[] { "notice" } }))
            .ExpectAsync(HttpStatusCode.Created);

        var notice = await NoticeAsync(_fr, Body(["all"], title: "To every member country"));
        var id = (long)notice["id"]!;
        Assert.That(notice["countries"]!.AsArray().Select(c => (string)c!), Is.EqualTo(new[] { "all" }));
        Assert.That((string?)notice["status"], Is.EqualTo("active"));
        Assert.That((string?)notice["issuingAgency"], Is.EqualTo("FR-NCB"));

        using var hq = App.Admin();
        foreach (var client in new[] { _de, _be, _it, _es, hq })
        {
            Assert.That((await AlertsAsync(client, "notice")).Count(a => (long?)a["noticeId"] == id), Is.EqualTo(1));
        }
        Assert.That((await AlertsAsync(_fr, "notice")).Where(a => (long?)a["noticeId"] == id), Is.Empty, "the sender is not its own addressee");

        await receiver.WaitUntilAsync(r => r.Accepted.Any(m => (long?)m.Json["data"]!["noticeId"] == id), TimeSpan.FromSeconds(20));
        var message = receiver.Accepted.First(m => (long?)m.Json["data"]!["noticeId"] == id);
        Assert.That((string?)message.Json["type"], Is.EqualTo("notice"));
        Assert.That(WebhookReceiver.Verifies(message, (string)hook["secret"]!, App.Clock.Now), Is.True);

        var sent = await (await _fr.GetAsync($"/api/v1/notices/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(sent["recipients"]!.AsArray().Select(r => (string)r!["agency"]!), Is.SupersetOf(new[] { "DE-BKA", "BE-POL", "IT-CC", "ES-CNP", "HQ" }));
    }

    [Test]
    public async Task ANoticeToTwoCountriesReachesOnlyThemAndTheSenderSeesWhoAcknowledgedWhen()
    {
        var notice = await NoticeAsync(_fr, Body(["DE", "BE"], title: "To Germany and Belgium"));
        var id = (long)notice["id"]!;
        Assert.That(notice["countries"]!.AsArray().Select(c => (string)c!), Is.EquivalentTo(new[] { "DE", "BE" }));

        Assert.That((await AlertsAsync(_de, "notice")).Count(a => (long?)a["noticeId"] == id), Is.EqualTo(1));
        Assert.That((await AlertsAsync(_be, "notice")).Count(a => (long?)a["noticeId"] == id), Is.EqualTo(1));
        Assert.That((await AlertsAsync(_it, "notice")).Where(a => (long?)a["noticeId"] == id), Is.Empty);
        Assert.That((await AlertsAsync(_es, "notice")).Where(a => (long?)a["noticeId"] == id), Is.Empty);
        await (await _it.GetAsync($"/api/v1/notices/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _it.PostAsync($"/api/v1/notices/{id}/acknowledge", null)).ExpectProblemAsync(HttpStatusCode.NotFound);

        var incoming = await (await _de.GetAsync("/api/v1/notices?direction=incoming&status=active")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(incoming["items"]!.AsArray().Select(n => (long)n!["id"]!), Does.Contain(id));
        Assert.That(incoming["items"]!.AsArray().First()!["recipients"], Is.Null, "only the sender sees the recipients");
        var outgoing = await (await _fr.GetAsync("/api/v1/notices?direction=outgoing")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(outgoing["items"]!.AsArray().Select(n => (long)n!["id"]!), Does.Contain(id));

        App.Clock.Advance(TimeSpan.FromMinutes(3));
        var acknowledged = await (await _de.PostAsync($"/api/v1/notices/{id}/acknowledge", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)acknowledged["acknowledgedAt"], Is.Not.Null);
        Assert.That((await (await _de.GetAsync("/api/v1/alerts?kind=notice&limit=200")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray()
            .Where(a => (long?)a!["noticeId"] == id), Is.Empty, "acknowledging the notice closes its alert");
        await (await _fr.PostAsync($"/api/v1/notices/{id}/acknowledge", null)).ExpectProblemAsync(HttpStatusCode.Forbidden);

        var sent = await (await _fr.GetAsync($"/api/v1/notices/{id}")).ExpectAsync(HttpStatusCode.OK);
        var recipients = sent["recipients"]!.AsArray().ToDictionary(r => (string)r!["agency"]!, r => (string?)r!["acknowledgedAt"]);
        Assert.That(recipients.Keys, Is.EquivalentTo(new[] { "DE-BKA", "BE-POL" }));
        Assert.That(recipients["DE-BKA"], Is.Not.Null);
        Assert.That(DateTimeOffset.Parse(recipients["DE-BKA"]!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(App.Clock.Now));
        Assert.That(recipients["BE-POL"], Is.Null);
    }

    [Test]
    public async Task OnlyRecordsTheSenderMaySeeCanBeNamedAndCountriesMustBeAllOrServedIsoCodes()
    {
        var hidden = await RecordAsync(_de, "HID 7001", countries: ["BE"]);
        var body = await (await _fr.PostJsonAsync("/api/v1/notices", Body(["DE"], [hidden]))).ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.That((string?)body["detail"], Does.Contain(hidden.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await (await _fr.PostJsonAsync("/api/v1/notices", Body(["DE"], [987654321]))).ExpectProblemAsync(HttpStatusCode.NotFound);
        // Belgium sees it, so Belgium may name it.
        await NoticeAsync(_be, Body(["DE"], [hidden]));

        await (await _fr.PostJsonAsync("/api/v1/notices", Body(["XX"]))).ExpectFieldErrorAsync("countries[0]");
        await (await _fr.PostJsonAsync("/api/v1/notices", Body(["all", "DE"]))).ExpectFieldErrorAsync("countries");
        await (await _fr.PostJsonAsync("/api/v1/notices", Body([]))).ExpectFieldErrorAsync("countries");
        var unserved = await (await _fr.PostJsonAsync("/api/v1/notices", Body(["JP"]))).ExpectFieldErrorAsync("countries");
        Assert.That(unserved[0], Does.Contain("JP"));
        await (await _fr.PostJsonAsync("/api/v1/notices", new { kind = "rumour", title = "t", summary = "s", countries = new[] { "DE" } })).ExpectFieldErrorAsync("kind");
        await (await _fr.PostJsonAsync("/api/v1/notices", Body(["DE"], expiresAt: "2020-01-01T00:00:00Z"))).ExpectFieldErrorAsync("expiresAt");
        await (await _fr.PostJsonAsync("/api/v1/notices", Body(["DE"], serialRun: new { make = "Glock", firstSerial = "BER100", lastSerial = "XYZ200" })))
            .ExpectFieldErrorAsync("serialRun.lastSerial");
        await (await _fr.PostJsonAsync("/api/v1/notices", Body(["DE"], serialRun: new { make = "No Such Arms Co", firstSerial = "BER100", lastSerial = "BER200" })))
            .ExpectFieldErrorAsync("serialRun.make");
        using var searchOnly = await App.AgencyAsync("FR-NCB", "FR", "search");
        await (await searchOnly.PostJsonAsync("/api/v1/notices", Body(["DE"]))).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task ASearchForANamedFirearmShowsTheNoticeToAddressedCountriesAndTheSenderGetsAHitNamingIt()
    {
        var firearm = await RecordAsync(_fr, "NTC 8001 KK");
        var notice = await NoticeAsync(_fr, Body(["DE"], [firearm], title: "Named pistol"));
        var id = (long)notice["id"]!;
        Assert.That(notice["firearmIds"]!.AsArray().Select(f => (long)f!), Is.EqualTo(new[] { firearm }));

        var shown = await SearchNoticesAsync(_de, "NTC8001KK", firearm);
        Assert.That(shown.Select(n => (long)n!["id"]!), Is.EqualTo(new[] { id }));
        Assert.That((string?)shown[0]!["kind"], Is.EqualTo("firearms-wanted"));
        Assert.That((string?)shown[0]!["title"], Is.EqualTo("Named pistol"));
        Assert.That((string?)shown[0]!["issuingAgency"], Is.EqualTo("FR-NCB"));
        Assert.That(await SearchNoticesAsync(_it, "NTC8001KK", firearm), Is.Empty, "Italy was not addressed");

        // The sender owns the record too: its one hit for Germany's search says which notice matched.
        var hit = (await AlertsAsync(_fr, "hit")).Single(a => (long?)a["firearmId"] == firearm && (string?)a["fromAgency"] == "DE-BKA");
        Assert.That((long?)hit["noticeId"], Is.EqualTo(id));

        // A notice naming another agency's record: its sender gets a hit of its own.
        var owned = await RecordAsync(_es, "NTC 8002 KK");
        var beNotice = (long)(await NoticeAsync(_be, Body(["DE"], [owned], title: "Belgian notice")))["id"]!;
        Assert.That((await SearchNoticesAsync(_de, "NTC8002KK", owned)).Select(n => (long)n!["id"]!), Is.EqualTo(new[] { beNotice }));
        var beHit = (await AlertsAsync(_be, "hit")).Single(a => (long?)a["firearmId"] == owned);
        Assert.That((long?)beHit["noticeId"], Is.EqualTo(beNotice));
        Assert.That((string?)beHit["message"], Does.Contain($"notice {beNotice}"));
        Assert.That((await AlertsAsync(_es, "hit")).Count(a => (long?)a["firearmId"] == owned), Is.EqualTo(1), "the owner's own hit is unchanged");
    }

    [Test]
    public async Task ASearchForASerialInsideANoticedRunOfTheSameMakeShowsTheNotice()
    {
        var inside = await RecordAsync(_es, "BER 001300", make: "Glock");
        var outside = await RecordAsync(_es, "BER 001500", make: "Glock");
        var otherMake = await RecordAsync(_es, "BER 001310", make: "Beretta");
        var notice = await NoticeAsync(_fr, Body(["all"], serialRun: new { make = "glock", firstSerial = "BER-001200", lastSerial = "BER-001450" }, title: "Depot lot"));
        var id = (long)notice["id"]!;
        Assert.That((string?)notice["serialRun"]!["make"], Is.EqualTo("Glock"), "the canonical make");

        Assert.That((await SearchNoticesAsync(_de, "BER001300", inside)).Select(n => (long)n!["id"]!), Is.EqualTo(new[] { id }));
        Assert.That(await SearchNoticesAsync(_de, "BER001500", outside), Is.Empty);
        Assert.That(await SearchNoticesAsync(_de, "BER001310", otherMake), Is.Empty);
        Assert.That((await AlertsAsync(_fr, "hit")).Count(a => (long?)a["firearmId"] == inside && (long?)a["noticeId"] == id), Is.EqualTo(1));
    }

    [Test]
    public async Task WithdrawnOrExpiredNoticesStopShowingAsActive()
    {
        var firearm = await RecordAsync(_fr, "WDR 9001 MM");
        var withdrawn = (long)(await NoticeAsync(_fr, Body(["DE"], [firearm], title: "To withdraw")))["id"]!;
        var expiring = (long)(await NoticeAsync(_fr, Body(["DE"], [firearm], expiresAt: App.Clock.Now.AddDays(2).ToString("O"), title: "To expire")))["id"]!;
        Assert.That((await SearchNoticesAsync(_de, "WDR9001MM", firearm)).Select(n => (long)n!["id"]!), Is.EquivalentTo(new[] { withdrawn, expiring }));

        await (await _de.PostAsync($"/api/v1/notices/{withdrawn}/withdraw", null)).ExpectProblemAsync(HttpStatusCode.Forbidden);
        var done = await (await _fr.PostAsync($"/api/v1/notices/{withdrawn}/withdraw", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)done["status"], Is.EqualTo("withdrawn"));
        Assert.That((string?)done["withdrawnAt"], Is.Not.Null);
        Assert.That((await SearchNoticesAsync(_de, "WDR9001MM", firearm)).Select(n => (long)n!["id"]!), Is.EqualTo(new[] { expiring }));

        App.Clock.Advance(TimeSpan.FromDays(3));
        Assert.That(await SearchNoticesAsync(_de, "WDR9001MM", firearm), Is.Empty);
        var expired = await (await _de.GetAsync($"/api/v1/notices/{expiring}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)expired["status"], Is.EqualTo("expired"));

        var active = await (await _de.GetAsync("/api/v1/notices?status=active&limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(active["items"]!.AsArray().Select(n => (long)n!["id"]!), Does.Not.Contain(withdrawn).And.Not.Contain(expiring));
        var ended = await (await _de.GetAsync("/api/v1/notices?status=withdrawn&limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(ended["items"]!.AsArray().Select(n => (long)n!["id"]!), Does.Contain(withdrawn).And.Not.Contain(expiring));
        await (await _de.GetAsync("/api/v1/notices?status=open")).ExpectFieldErrorAsync("status");
        await (await _de.GetAsync("/api/v1/notices?direction=sideways")).ExpectFieldErrorAsync("direction");
    }

    [Test]
    public async Task ANoticeResentWithTheSameIdempotencyKeyIsSentOnce()
    {
        var body = Body(["BE"], title: "Sent once");
        var first = await (await _it.SendJsonAsync(HttpMethod.Post, "/api/v1/notices", body, ("Idempotency-Key", "notice-once-1"))).ExpectAsync(HttpStatusCode.Created);
        var again = await _it.SendJsonAsync(HttpMethod.Post, "/api/v1/notices", body, ("Idempotency-Key", "notice-once-1"));
        var replayed = await again.ExpectAsync(HttpStatusCode.Created);
        Assert.That((long)replayed["id"]!, Is.EqualTo((long)first["id"]!));
        Assert.That(again.Headers.GetValues("Idempotent-Replayed"), Is.EqualTo(new[] { "true" }));
        Assert.That((await AlertsAsync(_be, "notice")).Count(a => (long?)a["noticeId"] == (long)first["id"]!), Is.EqualTo(1), "one alert per addressee");
    }

    [Test]
    public async Task NoticeListsArePagedWithACursor()
    {
        for (var i = 0; i < 3; i++)
        {
            await NoticeAsync(_it, Body(["ES"], title: $"Paged {i}"));
        }
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await (await _es.GetAsync("/api/v1/notices?direction=incoming&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"))).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(n => (long)n!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        Assert.That(seen, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(seen, Is.Ordered.Descending.And.Unique);
    }
}
