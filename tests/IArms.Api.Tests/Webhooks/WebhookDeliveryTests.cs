using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Webhooks;

/// <summary>Deliveries to a real receiver on loopback: signed, retried with backoff (the test clock moves it), in order.</summary>
public class WebhookDeliveryTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Webhooks:AllowLoopback"] = "true",
        ["Webhooks:TimeoutSeconds"] = "1",
        ["Webhooks:PollMilliseconds"] = "50",
        ["Webhooks:LeaseSeconds"] = "86400", // the test moves the clock by hours; an attempt in flight must keep its claim
        ["Webhooks:MaxBackoffSeconds"] = "3600",
    };

    private int _agencies;

    /// <summary>An owner (with an admin key for its webhooks) and a searcher, both new, so each test has its own inbox.</summary>
    private async Task<(HttpClient Owner, HttpClient Admin, HttpClient Searcher, string Code)> AgenciesAsync()
    {
        var n = Interlocked.Increment(ref _agencies);
        var code = $"FR-W{n}";
        var owner = await App.AgencyAsync(code, "FR", "search", "record");
        var admin = await App.AgencyAsync(code, "FR", "admin");
        var searcher = await App.AgencyAsync($"DE-W{n}", "DE", "search");
        return (owner, admin, searcher, code);
    }

    private static async Task<(long Id, string Secret)> RegisterAsync(HttpClient admin, string code, string url, params string[] events)
    {
        var created = await (await admin.PostJsonAsync($"/api/v1/agencies/{code}/webhooks", new { url, events })).ExpectAsync(HttpStatusCode.Created);
        return ((long)created["id"]!, (string)created["secret"]!);
    }

    private static async Task<long> StolenAsync(HttpClient owner, string serial) =>
        (long)(await (await owner.PostJsonAsync("/api/v1/firearms", Firearm(serial) with { Status = "stolen" })).ExpectAsync(HttpStatusCode.Created))["id"]!;

    private static Task<JsonNode> SearchAsync(HttpClient client, string serial) =>
        client.PostJsonAsync("/api/v1/searches", new { serialNumber = serial, purpose = "seizure" }).ContinueWith(t => t.Result.ExpectAsync(HttpStatusCode.OK)).Unwrap();

    [Test]
    public async Task AHitIsPushedToTheOwnersWebhookSignedWithTheSecretShownAtRegistration()
    {
        var (owner, admin, searcher, code) = await AgenciesAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, secret) = await RegisterAsync(admin, code, receiver.Url, "hit");
        Assert.That(secret, Does.StartWith("whsec_"));
        var firearmId = await StolenAsync(owner, "WHK 1001 AA");

        var searchId = (string)(await SearchAsync(searcher, "WHK1001AA"))["searchId"]!;
        await receiver.WaitUntilAsync(r => r.Accepted.Count >= 1, TimeSpan.FromSeconds(20));

        var message = receiver.Accepted[0];
        Assert.That(WebhookReceiver.Verifies(message, secret, App.Clock.Now), Is.True, $"signature {message.Signature}");
        Assert.That(WebhookReceiver.Verifies(message, WebhookSecretsForTests.Other, App.Clock.Now), Is.False);
        Assert.That(message.Id, Does.StartWith("dlv_"));
        Assert.That((string?)message.Json["type"], Is.EqualTo("hit"));
        Assert.That((long?)message.Json["data"]!["firearmId"], Is.EqualTo(firearmId));
        Assert.That((string?)message.Json["data"]!["searchId"], Is.EqualTo(searchId));
        Assert.That((string?)message.Json["data"]!["fromAgency"], Does.StartWith("DE-W"));

        // The secret is never shown again, and the attempt is in the endpoint's deliveries.
        var listed = await (await admin.GetAsync($"/api/v1/agencies/{code}/webhooks")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(listed["items"]!.AsArray().Single()!["secret"], Is.Null);
        await receiver.WaitUntilAsync(_ => Deliveries(admin, code, webhookId, "delivered") >= 1, TimeSpan.FromSeconds(10));
        var deliveries = await (await admin.GetAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/deliveries")).ExpectAsync(HttpStatusCode.OK);
        var delivery = deliveries["items"]!.AsArray().Single()!;
        Assert.That((string?)delivery["status"], Is.EqualTo("delivered"));
        Assert.That((int?)delivery["lastStatusCode"], Is.EqualTo(200));
        Assert.That((int?)delivery["attempts"], Is.EqualTo(1));
        Assert.That(message.Id, Is.EqualTo($"dlv_{(long)delivery["id"]!}"));
    }

    [Test]
    public async Task AReceiverThatFailsTimesOutAndAnswers500ForAWhileGetsEveryDeliveryLaterInOrder()
    {
        var (owner, admin, searcher, code) = await AgenciesAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        // 500, 500, a timeout (the sender waits 1 s), 503, then healthy.
        receiver.Respond = n => n switch
        {
            1 or 2 => (500, TimeSpan.Zero),
            3 => (200, TimeSpan.FromSeconds(3)),
            4 => (503, TimeSpan.Zero),
            _ => (200, TimeSpan.Zero),
        };
        var (_, secret) = await RegisterAsync(admin, code, receiver.Url, "hit");
        await StolenAsync(owner, "ORD 2002 BB");

        // Three searches of one record: one grouped alert, three deliveries about the same firearm.
        for (var i = 0; i < 3; i++)
        {
            await SearchAsync(searcher, "ORD2002BB");
        }
        await receiver.WaitUntilAsync(r => r.Accepted.Select(a => a.Id).Distinct().Count() >= 3, TimeSpan.FromSeconds(60),
            step: () => App.Clock.Advance(TimeSpan.FromMinutes(5)));

        var accepted = receiver.Accepted.DistinctBy(a => a.Id).ToList();
        Assert.That(accepted.Select(a => (int)a.Json["data"]!["hitCount"]!), Is.EqualTo(new[] { 1, 2, 3 }), "in the order the alerts were raised");
        Assert.That(accepted.Select(a => long.Parse(a.Id["dlv_".Length..])), Is.Ordered.Ascending);
        Assert.That(receiver.All.Count(r => r.AnsweredWith is not (>= 200 and < 300)), Is.GreaterThanOrEqualTo(4), "the failures were retried");
        Assert.That(accepted.All(a => WebhookReceiver.Verifies(a, secret, App.Clock.Now, TimeSpan.FromHours(2))), Is.True);
        // Every attempt of the first delivery carried the same webhook-id, so a receiver can drop repeats.
        Assert.That(receiver.All.Where(r => r.Number <= 5).Select(r => r.Id).Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task ADeliveryRefusedForTheWholeRetryWindowIsMarkedFailedAndTheAgencyIsAlerted()
    {
        var (owner, admin, searcher, code) = await AgenciesAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => (500, TimeSpan.Zero);
        var (webhookId, _) = await RegisterAsync(admin, code, receiver.Url, "hit");
        await StolenAsync(owner, "DEAD 3003 CC");
        await SearchAsync(searcher, "DEAD3003CC");

        await receiver.WaitUntilAsync(_ => Deliveries(admin, code, webhookId, "failed") >= 1, TimeSpan.FromSeconds(60),
            step: () => App.Clock.Advance(TimeSpan.FromHours(2)));

        var failed = (await (await admin.GetAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/deliveries?status=failed")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Single()!;
        Assert.That((int?)failed["lastStatusCode"], Is.EqualTo(500));
        Assert.That((int)failed["attempts"]!, Is.GreaterThan(3));
        Assert.That((string?)failed["lastResponse"], Does.StartWith("receiver-error").And.Length.EqualTo(1024), "at most 1 KB of the answer is kept");
        var alerts = (await (await owner.GetAsync("/api/v1/alerts?kind=webhook-failed")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.That(alerts, Has.Count.EqualTo(1));
        Assert.That((string?)alerts[0]!["message"], Does.Contain(receiver.Url));

        // Redelivered by hand once the receiver is back: same webhook-id, delivered.
        receiver.Respond = _ => (200, TimeSpan.Zero);
        var again = await (await admin.PostAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/deliveries/{(long)failed["id"]!}/redeliver", null)).ExpectAsync(HttpStatusCode.Accepted);
        Assert.That((string?)again["status"], Is.EqualTo("pending"));
        await receiver.WaitUntilAsync(r => r.Accepted.Count == 1, TimeSpan.FromSeconds(20));
        Assert.That(receiver.Accepted[0].Id, Is.EqualTo($"dlv_{(long)failed["id"]!}"));
    }

    private static int Deliveries(HttpClient admin, string code, long webhookId, string status)
    {
        var page = admin.GetAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/deliveries?status={status}").Result.Content.ReadAsStringAsync().Result;
        return JsonNode.Parse(page)!["items"]!.AsArray().Count;
    }

    [Test]
    public async Task AfterARotationDeliveriesCarryASignatureWithTheNewSecretAndOneWithThePreviousSecret()
    {
        var (_, admin, _, code) = await AgenciesAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, oldSecret) = await RegisterAsync(admin, code, receiver.Url, "hit", "notice");

        var rotated = await (await admin.PostAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/rotate-secret", null)).ExpectAsync(HttpStatusCode.OK);
        var newSecret = (string)rotated["secret"]!;
        Assert.That(newSecret, Is.Not.EqualTo(oldSecret));
        Assert.That((string?)rotated["previousSecretValidUntil"], Is.Not.Null);

        var ping = await (await admin.PostAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/test", null)).ExpectAsync(HttpStatusCode.Accepted);
        Assert.That((string?)ping["event"], Is.EqualTo("ping"));
        await receiver.WaitUntilAsync(r => r.Accepted.Count == 1, TimeSpan.FromSeconds(20));
        var message = receiver.Accepted[0];
        Assert.That(message.Signature.Split(' '), Has.Length.EqualTo(2));
        Assert.That(WebhookReceiver.Verifies(message, newSecret, App.Clock.Now), Is.True);
        Assert.That(WebhookReceiver.Verifies(message, oldSecret, App.Clock.Now), Is.True);
        Assert.That((string?)message.Json["type"], Is.EqualTo("ping"));

        // After the overlap only the new secret signs. (The clock moves only once the first ping's outcome is written:
        // moving it past the claim's lease earlier would, rightly, send that ping again.)
        await receiver.WaitUntilAsync(_ => Deliveries(admin, code, webhookId, "delivered") == 1, TimeSpan.FromSeconds(10));
        App.Clock.Advance(TimeSpan.FromHours(25));
        await (await admin.PostAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}/test", null)).ExpectAsync(HttpStatusCode.Accepted);
        await receiver.WaitUntilAsync(r => r.Accepted.Count == 2, TimeSpan.FromSeconds(20));
        var later = receiver.Accepted[1];
        Assert.That(WebhookReceiver.Verifies(later, newSecret, App.Clock.Now), Is.True);
        Assert.That(WebhookReceiver.Verifies(later, oldSecret, App.Clock.Now), Is.False);
    }

    [Test]
    public async Task AFinishedImportAlertsTheAgencyAndReachesItsImportFinishedWebhook()
    {
        var (owner, admin, _, code) = await AgenciesAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        await RegisterAsync(admin, code, receiver.Url, "import-finished");
        var file = IArms.Api.Tests.Bulk.Imports.Utf8(IArms.Api.Tests.Bulk.Imports.Json(Firearm("IMPW 5005 EE")) + "\n{\"bad\": true}\n");
        var (_, jobId) = await IArms.Api.Tests.Bulk.Imports.UploadAsync(owner, file, "application/x-ndjson");
        await IArms.Api.Tests.Bulk.Imports.FinishedAsync(owner, jobId);

        var alert = (await (await owner.GetAsync("/api/v1/alerts?kind=import-finished")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray().Single()!;
        Assert.That((string?)alert["message"], Does.Contain($"Import job {jobId}").And.Contain("succeeded").And.Contain("1 created").And.Contain("1 rejected"));
        await receiver.WaitUntilAsync(r => r.Accepted.Count == 1, TimeSpan.FromSeconds(20));
        Assert.That((string?)receiver.Accepted[0].Json["type"], Is.EqualTo("import-finished"));
        Assert.That((long?)receiver.Accepted[0].Json["data"]!["id"], Is.EqualTo((long)alert["id"]!));
    }

    [Test]
    public async Task AnEndpointDeletedStopsReceivingAndAnotherAgencysAdminCannotTouchIt()
    {
        var (owner, admin, searcher, code) = await AgenciesAsync();
        var (_, otherAdmin, _, _) = await AgenciesAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var (webhookId, _) = await RegisterAsync(admin, code, receiver.Url, "hit");

        await (await otherAdmin.GetAsync($"/api/v1/agencies/{code}/webhooks")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await otherAdmin.DeleteAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await owner.GetAsync($"/api/v1/agencies/{code}/webhooks")).ExpectProblemAsync(HttpStatusCode.Forbidden);
        using (var hq = App.Admin())
        {
            await (await hq.GetAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}")).ExpectAsync(HttpStatusCode.OK);
        }

        await (await admin.DeleteAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}")).ExpectAsync(HttpStatusCode.NoContent);
        await (await admin.GetAsync($"/api/v1/agencies/{code}/webhooks/{webhookId}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await StolenAsync(owner, "GONE 4004 DD");
        await SearchAsync(searcher, "GONE4004DD");
        await Task.Delay(500);
        Assert.That(receiver.All, Is.Empty);
    }
}

/// <summary>A well-formed secret nobody registered, to show a wrong secret does not verify.</summary>
internal static class WebhookSecretsForTests
{
    public const string Other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
}

/// <summary>Registration without <c>Webhooks:AllowLoopback</c>: where an endpoint may point.</summary>
public class WebhookRegistrationTests : ApiFixture
{
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public async Task Start() => _admin = await App.AgencyAsync("FR-REG", "FR", "admin");

    private Task<HttpResponseMessage> RegisterAsync(string url, params string[] events) =>
        _admin.PostJsonAsync("/api/v1/agencies/FR-REG/webhooks", new { url, events = events.Length == 0 ? ["hit"] : events });

    [TestCase("https://10.1.2.3/hooks")]
    [TestCase("https://172.20.0.9/hooks")]
    [TestCase("https://192.168.1.20:8443/hooks")]
    [TestCase("https://169.254.169.254/latest/meta-data")]
    [TestCase("https://127.0.0.1/hooks")]
    [TestCase("https://[::1]/hooks")]
    [TestCase("https://[fd12:3456::1]/hooks")]
    [TestCase("https://[fe80::1]/hooks")]
    [TestCase("https://0.0.0.0/hooks")]
    public async Task AWebhookPointingToAPrivateLoopbackOrLinkLocalAddressIsRefused(string url)
    {
        var errors = await (await RegisterAsync(url)).ExpectFieldErrorAsync("url");
        Assert.That(errors[0], Does.Contain("private, loopback or link-local"));
    }

    [TestCase("http://203.0.113.7/hooks")]
    [TestCase("http://127.0.0.1:5170/hooks")]
    [TestCase("ftp://203.0.113.7/hooks")]
    [TestCase("/relative/hooks")]
    public async Task AWebhookWithoutHttpsIsRefusedWhenLoopbackIsNotAllowed(string url)
    {
        var errors = await (await RegisterAsync(url)).ExpectFieldErrorAsync("url");
        Assert.That(errors[0], Does.Contain("https"));
    }

    [Test]
    public async Task AWebhookToAPublicHttpsAddressIsRegisteredAndItsSecretShownOnce()
    {
        var created = await (await RegisterAsync("https://203.0.113.7/hooks", "hit", "notice", "import-finished")).ExpectAsync(HttpStatusCode.Created);
        Assert.That((string?)created["secret"], Does.StartWith("whsec_"));
        Assert.That(created["events"]!.AsArray().Select(e => (string)e!), Is.EqualTo(new[] { "hit", "notice", "import-finished" }));
        var again = await (await _admin.GetAsync($"/api/v1/agencies/FR-REG/webhooks/{(long)created["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(again["secret"], Is.Null);
    }

    [Test]
    public async Task UnknownOrRepeatedEventsAreRefused()
    {
        var unknown = await (await RegisterAsync("https://203.0.113.7/hooks", "hit", "everything")).ExpectFieldErrorAsync("events[1]");
        Assert.That(unknown[0], Does.Contain("not an event"));
        await (await RegisterAsync("https://203.0.113.7/hooks", "hit", "hit")).ExpectFieldErrorAsync("events");
    }

    [Test]
    public async Task OnlyAnAdminKeyRegistersWebhooks()
    {
        using var searcher = await App.AgencyAsync("FR-REG", "FR", "search", "record");
        await (await searcher.PostJsonAsync("/api/v1/agencies/FR-REG/webhooks", new { url = "https://203.0.113.7/hooks", events = new[] { "hit" } }))
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}
