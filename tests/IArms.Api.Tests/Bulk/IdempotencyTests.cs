using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Bulk;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Bulk;

public class IdempotencyTests : ApiFixture
{
    private const string Firearms = "/api/v1/firearms";
    private const string Requests = "/api/v1/trace-requests";

    private static readonly PartyBody Maker = P("Glock GmbH", "manufacturer", "AT");
    private static readonly PartyBody Importer = P("Glock France SAS", "importer", "FR");

    private HttpClient _owner = null!;
    private HttpClient _other = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("AT-BKA", "AT", "record", "trace", "search");
        _other = await App.AgencyAsync("FR-OCLCO", "FR", "record", "trace", "search");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string url, object body, string key) =>
        client.SendJsonAsync(HttpMethod.Post, url, body, (IdempotencyExtensions.Header, key));

    private static string NewKey() => Guid.NewGuid().ToString();

    private async Task<int> CountAsync(HttpClient client, string externalId)
    {
        var page = await (await client.GetAsync($"{Firearms}?limit=200")).ExpectAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Count(i => (string?)i!["externalId"] == externalId);
    }

    [Test]
    public async Task ResendingACreateWithTheSameKeyReplaysTheFirstAnswerWithoutCreatingASecondRecord()
    {
        var body = Firearm();
        var key = NewKey();

        var first = await PostAsync(_owner, Firearms, body, key);
        var firstBody = await first.ExpectAsync(HttpStatusCode.Created);
        var again = await PostAsync(_owner, Firearms, body, key);
        var againBody = await again.ExpectAsync(HttpStatusCode.Created);

        var count = await CountAsync(_owner, body.ExternalId);
        Assert.Multiple(() =>
        {
            // A resend without the key would be answered 200 (the externalId exists): 201 shows the handler did not run again.
            Assert.That(again.Headers.Location, Is.EqualTo(first.Headers.Location));
            Assert.That(again.Headers.ETag, Is.EqualTo(first.Headers.ETag));
            Assert.That(again.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(againBody.ToJsonString(), Is.EqualTo(firstBody.ToJsonString()));
            Assert.That(again.Headers.GetValues(IdempotencyExtensions.ReplayedHeader), Is.EqualTo(new[] { "true" }));
            Assert.That(first.Headers.Contains(IdempotencyExtensions.ReplayedHeader), Is.False);
            Assert.That(count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TheSameKeyWithAnotherBodyIsRefusedWith422AndChangesNothing()
    {
        var key = NewKey();
        await (await PostAsync(_owner, Firearms, Firearm(), key)).ExpectAsync(HttpStatusCode.Created);
        var other = Firearm();

        var problem = await (await PostAsync(_owner, Firearms, other, key)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.That((string?)problem["detail"], Does.Contain("different request"));
        Assert.That(await CountAsync(_owner, other.ExternalId), Is.EqualTo(0));
    }

    [Test]
    public async Task TheSameKeyOnAnotherRouteIsAnotherRequest()
    {
        var key = NewKey();
        var id = (long)(await (await PostAsync(_owner, Firearms, Firearm(), key)).ExpectAsync(HttpStatusCode.Created))["id"]!;

        await (await PostAsync(_owner, Events(id), Ev("sold", "2016-01-01", Maker, Importer, "AT"), key))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Test]
    public async Task KeysArePerAgencySoAnotherAgencysKeyDoesNotReplay()
    {
        var key = NewKey();
        var mine = Firearm();
        var theirs = Firearm();

        var first = await (await PostAsync(_owner, Firearms, mine, key)).ExpectAsync(HttpStatusCode.Created);
        var second = await (await PostAsync(_other, Firearms, theirs, key)).ExpectAsync(HttpStatusCode.Created);

        Assert.That((string?)second["ownerAgency"], Is.EqualTo("FR-OCLCO"));
        Assert.That((long)second["id"]!, Is.Not.EqualTo((long)first["id"]!));
    }

    [Test]
    public async Task AKeyStillBeingProcessedIsAnsweredWith409()
    {
        var key = NewKey();
        var store = App.Services.GetRequiredService<IdempotencyQueries>();
        await store.ClaimAsync(await AgencyIdAsync("AT-BKA"), key, [1, 2, 3], CancellationToken.None);
        var body = Firearm();

        var response = await PostAsync(_owner, Firearms, body, key);

        await response.ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        Assert.That(await CountAsync(_owner, body.ExternalId), Is.EqualTo(0));
    }

    [Test]
    public async Task AClaimInterruptedBeforeItsAnswerIsNeverRunAgainAndTheResendIsToldToLook()
    {
        // A process that died between the work and the storing of its answer leaves a claim without an answer.
        var id = await RecordAsync(_owner);
        var key = NewKey();
        var store = App.Services.GetRequiredService<IdempotencyQueries>();
        await store.ClaimAsync(await AgencyIdAsync("AT-BKA"), key, [1, 2, 3], CancellationToken.None);
        App.Clock.Advance(IdempotencyQueries.InFlightTimeout + TimeSpan.FromMinutes(1));
        var ev = Ev("exported", "2015-06-01", Maker, Importer, "AT", Auth("export-licence", "AT-EL-1"));

        var response = await PostAsync(_owner, Events(id), ev, key);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.Conflict);
        var chain = (await TraceAsync(_owner, id))["chain"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That((string?)problem["detail"], Does.Contain("interrupted"));
            Assert.That(response.Headers.RetryAfter, Is.Null, "waiting will not help: the outcome is unknown");
            Assert.That(chain, Is.Empty, "the interrupted request is not run again");
        });
    }

    [Test]
    public async Task AResentCustodyEventIsAddedOnce()
    {
        var id = await RecordAsync(_owner);
        var key = NewKey();
        var ev = Ev("exported", "2015-06-01", Maker, Importer, "AT", Auth("export-licence", "AT-EL-1"));

        var first = await (await PostAsync(_owner, Events(id), ev, key)).ExpectAsync(HttpStatusCode.Created);
        var again = await (await PostAsync(_owner, Events(id), ev, key)).ExpectAsync(HttpStatusCode.Created);

        Assert.That((long)again["id"]!, Is.EqualTo((long)first["id"]!));
        Assert.That((await TraceAsync(_owner, id))["chain"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AResentTraceRequestAndAResentAnswerAreEachRecordedOnce()
    {
        var firearmId = await RecordAsync(_owner);
        var ask = new { firearmId, toAgency = "FR-OCLCO", priority = "routine", message = "Please trace this pistol." };
        var key = NewKey();

        var request = await (await PostAsync(_owner, Requests, ask, key)).ExpectAsync(HttpStatusCode.Created);
        var again = await (await PostAsync(_owner, Requests, ask, key)).ExpectAsync(HttpStatusCode.Created);
        var id = (long)request["id"]!;
        Assert.That((long)again["id"]!, Is.EqualTo(id));
        var outgoing = await (await _owner.GetAsync($"{Requests}?direction=outgoing&limit=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(outgoing["items"]!.AsArray().Count(i => (long?)i!["firearmId"] == firearmId), Is.EqualTo(1));

        var answer = new { outcome = "traced", events = new[] { Ev("manufactured", "2015-03-02", to: Maker, country: "AT") }, notes = "" };
        var answerKey = NewKey();
        var answered = await (await PostAsync(_other, $"{Requests}/{id}/response", answer, answerKey)).ExpectAsync(HttpStatusCode.OK);
        // Without the key a second answer is a 409; with it, the first answer is replayed.
        var replayed = await (await PostAsync(_other, $"{Requests}/{id}/response", answer, answerKey)).ExpectAsync(HttpStatusCode.OK);

        Assert.That(replayed.ToJsonString(), Is.EqualTo(answered.ToJsonString()));
        Assert.That((await TraceAsync(_owner, firearmId))["chain"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task AReplayIsAuditedLikeTheFirstAnswer()
    {
        var body = Firearm();
        var key = NewKey();
        var location = (await PostAsync(_owner, Firearms, body, key)).Headers.Location;
        await (await PostAsync(_owner, Firearms, body, key)).ExpectAsync(HttpStatusCode.Created);

        using var admin = App.Admin();
        var page = await (await admin.GetAsync("/api/v1/audit?limit=200&action=firearm.create")).ExpectAsync(HttpStatusCode.OK);
        var objectId = location!.OriginalString["/api/v1/".Length..];
        var entries = page["items"]!.AsArray().Where(e => (string?)e!["objectId"] == objectId).ToList();

        Assert.That(entries.Select(e => (int?)e!["statusCode"]), Is.EqualTo(new int?[] { 201, 201 }));
    }

    [Test]
    public async Task AMalformedKeyIsRefusedWithTheHeaderNamed()
    {
        var body = Firearm();

        await (await PostAsync(_owner, Firearms, body, new string('k', 256))).ExpectFieldErrorAsync(IdempotencyExtensions.Header);

        Assert.That(await CountAsync(_owner, body.ExternalId), Is.EqualTo(0));
    }

    [Test, NonParallelizable]
    public async Task AKeyIsFreeAgainAfter24HoursAndThePurgeDeletesItsEntry()
    {
        var key = NewKey();
        await (await PostAsync(_owner, Firearms, Firearm(), key)).ExpectAsync(HttpStatusCode.Created);
        var store = App.Services.GetRequiredService<IdempotencyQueries>();
        App.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        try
        {
            Assert.That(await store.PurgeAsync(CancellationToken.None), Is.GreaterThanOrEqualTo(1));
            var later = Firearm();
            await (await PostAsync(_owner, Firearms, later, key)).ExpectAsync(HttpStatusCode.Created);
            Assert.That(await CountAsync(_owner, later.ExternalId), Is.EqualTo(1));
        }
        finally
        {
            App.Clock.Advance(-(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1)));
        }
    }

    private static readonly Sql SelectAgency = new("SELECT id FROM agency WHERE code = @code");

    private async Task<long> AgencyIdAsync(string code)
    {
        await using var session = await App.Services.GetRequiredService<Db>().PrimaryAsync(CancellationToken.None);
        return await session.QuerySingleAsync<long>(SelectAgency, new { code });
    }
}
