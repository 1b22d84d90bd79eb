using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Firearms;

public class FirearmRecordTests : ApiFixture
{
    private HttpClient _france = null!;
    private HttpClient _germany = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _france = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        _germany = await App.AgencyAsync("DE-BKA", "DE", "search", "record");
    }

    private async Task<(JsonNode Body, string Location, string ETag)> CreateAsync(HttpClient client, FirearmBody record)
    {
        var response = await client.PostJsonAsync("/api/v1/firearms", record);
        var body = await response.ExpectAsync(HttpStatusCode.Created);
        return (body, response.Headers.Location!.ToString(), response.Headers.ETag!.ToString());
    }

    [Test]
    public async Task CreatingARecordAnswersCreatedWithLocationETagAndDerivedFields()
    {
        var record = Firearm("AB 123-456") with { OtherSerials = [new OtherSerialBody("slide", "AB123456")] };
        var (body, location, etag) = await CreateAsync(_france, record);

        Assert.That(location, Is.EqualTo($"/api/v1/firearms/{(long)body["id"]!}"));
        Assert.That(etag, Does.StartWith("\""));
        Assert.That((string?)body["serialNumber"], Is.EqualTo("AB 123-456"));
        Assert.That((string?)body["normalizedSerial"], Is.EqualTo("AB123456"));
        Assert.That((string?)body["ownerAgency"], Is.EqualTo("FR-NCB"));
        Assert.That((string?)body["otherSerials"]![0]!["location"], Is.EqualTo("slide"));
        Assert.That((string?)body["eventDate"], Is.EqualTo("2026-10-01"));
        Assert.That((string?)body["visibility"]!["scope"], Is.EqualTo("all"));
        Assert.That((string?)body["createdAt"], Is.Not.Null);

        var read = await _germany.GetAsync(location);
        var again = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.That(read.Headers.ETag!.ToString(), Is.EqualTo(etag));
        Assert.That(JsonNode.DeepEquals(again, body), Is.True);
    }

    [Test]
    public async Task ACreatedRecordsAnswerIsWhatAReadOfItAnswersEvenForARestrictedRecordWithAnUnknownMake()
    {
        // The create answers from the values it wrote, without reading the record back: it must still be the read's answer.
        var record = Firearm(" zx-77 01 ") with
        {
            OtherSerials = [new OtherSerialBody("frame", " ZX7701-B "), new OtherSerialBody("barrel", "zx 7701")],
            Make = "  Nowhere Arms Works ", Calibre = "", Model = "",
            Visibility = new VisibilityBody("countries", ["FR", "DE", "BE", "DE"]),
        };
        var (body, location, etag) = await CreateAsync(_france, record);

        var read = await _france.GetAsync(location);
        var again = await read.ExpectAsync(HttpStatusCode.OK);
        Assert.That(read.Headers.ETag!.ToString(), Is.EqualTo(etag));
        Assert.That(JsonNode.DeepEquals(again, body), Is.True, $"created: {body.ToJsonString()}\nread: {again.ToJsonString()}");
        Assert.That(body["visibility"]!["countries"]!.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { "BE", "DE", "FR" }));
        Assert.That(body["canonicalMake"], Is.Null);
    }

    [Test]
    public async Task ResendingTheSameExternalIdDoesNotDuplicateTheRecord()
    {
        var record = Firearm("RS-1001");
        var (first, _, _) = await CreateAsync(_france, record);

        var resent = await (await _france.PostJsonAsync("/api/v1/firearms", record)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((long)resent["id"]!, Is.EqualTo((long)first["id"]!));

        var changed = await (await _france.PostJsonAsync("/api/v1/firearms", record with { Status = "recovered" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.That((string?)changed["detail"], Does.Contain(record.ExternalId));

        // Another agency may use the same external id for its own record.
        await CreateAsync(_germany, record);
    }

    [Test]
    public async Task AnotherAgencyReadsAPublicRecordButCannotChangeOrWithdrawIt()
    {
        var (_, location, etag) = await CreateAsync(_france, Firearm("OTH-777"));
        await (await _germany.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
        await (await _germany.SendJsonAsync(HttpMethod.Put, location, Firearm("OTH-777"), ("If-Match", etag))).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await _germany.DeleteAsync(location)).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await (await _france.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task ReplacingWithoutIfMatchIsPreconditionRequired()
    {
        var (_, location, _) = await CreateAsync(_france, Firearm("IFM-1"));
        await (await _france.SendJsonAsync(HttpMethod.Put, location, Firearm("IFM-1"))).ExpectProblemAsync(HttpStatusCode.PreconditionRequired);
    }

    [Test]
    public async Task TwoWritersWithTheSameETagCannotLoseAnUpdate()
    {
        var record = Firearm("LU-42");
        var (_, location, etag) = await CreateAsync(_france, record);

        var first = await _france.SendJsonAsync(HttpMethod.Put, location, record with { Status = "recovered" }, ("If-Match", etag));
        var updated = await first.ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)updated["status"], Is.EqualTo("recovered"));
        Assert.That(first.Headers.ETag!.ToString(), Is.Not.EqualTo(etag));

        var second = await _france.SendJsonAsync(HttpMethod.Put, location, record with { Notes = "second writer" }, ("If-Match", etag));
        await second.ExpectProblemAsync(HttpStatusCode.PreconditionFailed);

        var stored = await (await _france.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)stored["status"], Is.EqualTo("recovered"));
        Assert.That((string?)stored["notes"], Is.Empty);

        var third = await _france.SendJsonAsync(HttpMethod.Put, location, record with { Notes = "rebased" }, ("If-Match", first.Headers.ETag!.ToString()));
        Assert.That((string?)(await third.ExpectAsync(HttpStatusCode.OK))["notes"], Is.EqualTo("rebased"));
    }

    [Test]
    public async Task IfMatchUsesStrongComparisonAndAcceptsAStarOrAList()
    {
        var record = Firearm("IFM-STAR");
        var (_, location, etag) = await CreateAsync(_france, record);

        await (await _france.SendJsonAsync(HttpMethod.Put, location, record, ("If-Match", "W/" + etag))).ExpectProblemAsync(HttpStatusCode.PreconditionFailed);
        var listed = await _france.SendJsonAsync(HttpMethod.Put, location, record with { Notes = "listed" }, ("If-Match", "\"999\", " + etag));
        await listed.ExpectAsync(HttpStatusCode.OK);
        var star = await _france.SendJsonAsync(HttpMethod.Put, location, record with { Notes = "star" }, ("If-Match", "*"));
        Assert.That((string?)(await star.ExpectAsync(HttpStatusCode.OK))["notes"], Is.EqualTo("star"));
    }

    [Test]
    public async Task ANullInsideAnArrayIsABadRequest()
    {
        var body = "{\"externalId\":\"NULL-1\",\"serialNumber\":\"AB1234\",\"make\":\"Glock\",\"type\":\"pistol\",\"status\":\"stolen\",\"otherSerials\":[null]}";
        await (await _france.PostRawAsync("/api/v1/firearms", body)).ExpectFieldErrorAsync("otherSerials[0]");
        var restricted = "{\"externalId\":\"NULL-2\",\"serialNumber\":\"AB1234\",\"make\":\"Glock\",\"type\":\"pistol\",\"status\":\"stolen\",\"visibility\":{\"scope\":\"countries\",\"countries\":[null]}}";
        await (await _france.PostRawAsync("/api/v1/firearms", restricted)).ExpectFieldErrorAsync("visibility.countries[0]");
    }

    [Test]
    public async Task ABodylessOrRepeatedParameterRequestIsABadRequestInTheClientsWords()
    {
        var empty = await (await _france.PostAsync("/api/v1/firearms", null)).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(empty.ToJsonString(), Does.Not.Contain("Service"));
        var repeated = await (await _france.GetAsync("/api/v1/firearms?limit=5&limit=6")).ExpectFieldErrorAsync("limit");
        Assert.That(repeated[0], Does.Not.Contain("Nullable"));
        var text = await _france.PostAsync("/api/v1/firearms", new StringContent("serial=1", System.Text.Encoding.UTF8, "text/plain"));
        await text.ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task AConcurrentBurstOfReplacesLetsExactlyOneWin()
    {
        var record = Firearm("BURST-1");
        var (_, location, etag) = await CreateAsync(_france, record);
        var attempts = Enumerable.Range(0, 8).Select(i =>
            _france.SendJsonAsync(HttpMethod.Put, location, record with { Notes = $"writer {i}" }, ("If-Match", etag)));
        var statuses = (await Task.WhenAll(attempts)).Select(r => r.StatusCode).ToList();
        Assert.That(statuses.Count(s => s == HttpStatusCode.OK), Is.EqualTo(1), string.Join(",", statuses));
        Assert.That(statuses.Count(s => s == HttpStatusCode.PreconditionFailed), Is.EqualTo(7));
    }

    [Test]
    public async Task WithdrawingARecordHidesItAndFreesItsExternalId()
    {
        var record = Firearm("WD-9");
        var (body, location, _) = await CreateAsync(_france, record);
        await (await _france.WithdrawAsync(location)).ExpectAsync(HttpStatusCode.NoContent);
        await (await _france.GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _germany.GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _france.DeleteAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound);

        var (again, _, _) = await CreateAsync(_france, record);
        Assert.That((long)again["id"]!, Is.Not.EqualTo((long)body["id"]!));
    }

    [Test]
    public async Task AMissingRecordIsNotFound()
    {
        await (await _france.GetAsync("/api/v1/firearms/987654321")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await _france.SendJsonAsync(HttpMethod.Put, "/api/v1/firearms/987654321", Firearm(), ("If-Match", "\"1\""))).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    private static IEnumerable<TestCaseData> InvalidRecords()
    {
        var ok = Firearm();
        yield return new TestCaseData(ok with { SerialNumber = "" }, "serialNumber").SetName("EmptySerial");
        yield return new TestCaseData(ok with { SerialNumber = "--- / ---" }, "serialNumber").SetName("SerialWithoutLettersOrDigits");
        yield return new TestCaseData(ok with { SerialNumber = new string('1', 65) }, "serialNumber").SetName("SerialTooLong");
        yield return new TestCaseData(ok with { ExternalId = "" }, "externalId").SetName("EmptyExternalId");
        yield return new TestCaseData(ok with { Status = "misplaced" }, "status").SetName("UnknownStatus");
        yield return new TestCaseData(ok with { Type = "bazooka" }, "type").SetName("UnknownType");
        yield return new TestCaseData(ok with { Make = "" }, "make").SetName("EmptyMake");
        yield return new TestCaseData(ok with { CountryOfManufacture = "ZZ" }, "countryOfManufacture").SetName("UnknownCountryOfManufacture");
        yield return new TestCaseData(ok with { EventCountryCode = "france" }, "eventCountryCode").SetName("EventCountryNotIso");
        yield return new TestCaseData(ok with { YearOfManufacture = 2999 }, "yearOfManufacture").SetName("YearInTheFuture");
        yield return new TestCaseData(ok with { YearOfManufacture = 1200 }, "yearOfManufacture").SetName("YearTooEarly");
        yield return new TestCaseData(ok with { EventDate = "2027-01-01" }, "eventDate").SetName("EventDateInTheFuture");
        yield return new TestCaseData(ok with { EventDate = "2010-01-01", YearOfManufacture = 2015 }, "eventDate").SetName("EventBeforeManufacture");
        yield return new TestCaseData(ok with { Visibility = new VisibilityBody("countries") }, "visibility.countries").SetName("RestrictedWithoutCountries");
        yield return new TestCaseData(ok with { Visibility = new VisibilityBody("countries", ["DE", "XX"]) }, "visibility.countries[1]").SetName("RestrictedToUnknownCountry");
        yield return new TestCaseData(ok with { Visibility = new VisibilityBody("friends") }, "visibility.scope").SetName("UnknownVisibilityScope");
        yield return new TestCaseData(ok with { OtherSerials = [new OtherSerialBody("stock", "X1")] }, "otherSerials[0].location").SetName("UnknownSerialLocation");
        yield return new TestCaseData(ok with { OtherSerials = [new OtherSerialBody("slide", "")] }, "otherSerials[0].value").SetName("EmptyOtherSerial");
        yield return new TestCaseData(ok with { Notes = new string('n', 4001) }, "notes").SetName("NotesTooLong");
    }

    [TestCaseSource(nameof(InvalidRecords))]
    public async Task AnInvalidRecordIsRejectedNamingTheField(FirearmBody record, string field)
    {
        await (await _france.PostJsonAsync("/api/v1/firearms", record)).ExpectFieldErrorAsync(field);
    }

    [Test]
    public async Task AnInvalidReplacementLeavesTheRecordUnchanged()
    {
        var record = Firearm("KEEP-1");
        var (_, location, etag) = await CreateAsync(_france, record);
        await (await _france.SendJsonAsync(HttpMethod.Put, location, record with { Status = "gone" }, ("If-Match", etag))).ExpectFieldErrorAsync("status");
        var stored = await (await _france.GetAsync(location)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)stored["status"], Is.EqualTo("stolen"));
    }

    [Test]
    public async Task MalformedJsonIsABadRequest()
    {
        var truncated = await _france.PostRawAsync("/api/v1/firearms", "{\"serialNumber\": \"AB1\",");
        await truncated.ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await _france.PostRawAsync("/api/v1/firearms", "")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await _france.PostRawAsync("/api/v1/firearms", "{\"yearOfManufacture\": \"soon\"}")).ExpectFieldErrorAsync("yearOfManufacture");
        await (await _france.PostRawAsync("/api/v1/firearms", "{\"eventDate\": \"01/10/2026\"}")).ExpectFieldErrorAsync("eventDate");
    }

    [Test]
    public async Task AnOversizedBodyIsRejected()
    {
        var huge = "{\"notes\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";
        await (await _france.PostRawAsync("/api/v1/firearms", huge)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
