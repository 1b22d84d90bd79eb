using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Security;

/// <summary>Issue 11, defect 7: control, escape and bidi characters never reach storage, and text is stored in NFC.</summary>
public class IdentifierCharacterTests : ApiFixture
{
    private const string Escape = "\u001b[31m";
    private const string RightToLeftOverride = "\u202e";

    private HttpClient _france = null!;

    [OneTimeSetUp]
    public async Task Start() => _france = await App.AgencyAsync("FR-NCB", "FR", "search", "record", "trace");

    private static IEnumerable<TestCaseData> FirearmFields()
    {
        var record = Firearm("AB 123-456");
        yield return new TestCaseData("serialNumber", record with { SerialNumber = $"AB{Escape}123456" }).SetName("{m}(serialNumber escape)");
        yield return new TestCaseData("serialNumber", record with { SerialNumber = $"AB{RightToLeftOverride}654321" }).SetName("{m}(serialNumber bidi)");
        yield return new TestCaseData("serialNumber", record with { SerialNumber = "AB\u200b123456" }).SetName("{m}(serialNumber zero width)");
        yield return new TestCaseData("externalId", record with { ExternalId = "EXT\u0000-1" }).SetName("{m}(externalId NUL)");
        yield return new TestCaseData("externalId", record with { ExternalId = "EXT\u2066-1\u2069" }).SetName("{m}(externalId isolate)");
        yield return new TestCaseData("otherSerials[0].value", record with { OtherSerials = [new OtherSerialBody("slide", "AB\u0085123")] }).SetName("{m}(other serial C1)");
        yield return new TestCaseData("make", record with { Make = "Glock\u007f" }).SetName("{m}(make DEL)");
        yield return new TestCaseData("model", record with { Model = "17\u00ad" }).SetName("{m}(model soft hyphen)");
        yield return new TestCaseData("calibre", record with { Calibre = "9x19\ufeff" }).SetName("{m}(calibre BOM)");
        yield return new TestCaseData("caseReference", record with { CaseReference = $"PJ-{RightToLeftOverride}321" }).SetName("{m}(caseReference bidi)");
        yield return new TestCaseData("eventPlace", record with { EventPlace = "Lyon\nParis" }).SetName("{m}(eventPlace line break)");
        yield return new TestCaseData("importMarking", record with { ImportMarking = "FR\u009b2J" }).SetName("{m}(importMarking CSI)");
        yield return new TestCaseData("notes", record with { Notes = $"seized{Escape}" }).SetName("{m}(notes escape)");
    }

    [TestCaseSource(nameof(FirearmFields))]
    public async Task AFirearmWithAControlOrFormatCharacterIsRefusedNamingTheField(string field, FirearmBody record)
    {
        var messages = await (await _france.PostJsonAsync("/api/v1/firearms", record)).ExpectFieldErrorAsync(field);

        Assert.That(messages.Single(), Does.Contain("control or format characters").And.Contain("U+"));
    }

    [Test]
    public async Task AnEscapeSequenceNoLongerChangesTheNormalisedSerialBecauseItIsRefused()
    {
        // Before: "AB\e[31m123456" was stored, and normalised to AB31M123456.
        var response = await _france.PostJsonAsync("/api/v1/firearms", Firearm($"AB{Escape}123456"));

        await response.ExpectFieldErrorAsync("serialNumber");
        var found = await (await _france.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB31M123456", purpose = "investigation" }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.That(found["results"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task NotesKeepLineBreaksAndTabs()
    {
        var notes = "Seized at the border.\r\nSecond line\twith a tab.";

        var created = await (await _france.PostJsonAsync("/api/v1/firearms", Firearm("NT 100-200") with { Notes = notes })).ExpectAsync(HttpStatusCode.Created);

        Assert.That((string?)created["notes"], Is.EqualTo(notes));
    }

    [Test]
    public async Task TextIsStoredInNormalisationFormC()
    {
        // "München" typed with a combining diaeresis, as some keyboards and PDF copies produce it.
        var created = await (await _france.PostJsonAsync("/api/v1/firearms", Firearm("NF 300-400") with { EventPlace = "Mu\u0308nchen", Notes = "Cafe\u0301" }))
            .ExpectAsync(HttpStatusCode.Created);

        var read = await (await _france.GetAsync($"/api/v1/firearms/{(long)created["id"]!}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)read["eventPlace"], Is.EqualTo("M\u00fcnchen"));
        Assert.That((string?)read["notes"], Is.EqualTo("Caf\u00e9"));
    }

    [Test]
    public async Task TwoSpellingsOfTheSameAccentedExternalIdAreTheSameRecord()
    {
        var composed = Firearm("NF 500-600") with { ExternalId = "D\u00c9-2026-1" };
        var first = await (await _france.PostJsonAsync("/api/v1/firearms", composed)).ExpectAsync(HttpStatusCode.Created);

        var resent = await (await _france.PostJsonAsync("/api/v1/firearms", composed with { ExternalId = "DE\u0301-2026-1" })).ExpectAsync(HttpStatusCode.OK);

        Assert.That((long)resent["id"]!, Is.EqualTo((long)first["id"]!));
    }

    [Test]
    public async Task ASearchWithAControlCharacterIsRefused()
    {
        var serial = await (await _france.PostJsonAsync("/api/v1/searches", new { serialNumber = $"AB{Escape}1234", purpose = "seizure" })).ExpectFieldErrorAsync("serialNumber");
        Assert.That(serial.Single(), Does.Contain("U+001B"));
        await (await _france.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB1234", purpose = "seizure", caseReference = $"C{RightToLeftOverride}1" }))
            .ExpectFieldErrorAsync("caseReference");
        await (await _france.PostJsonAsync("/api/v1/searches", new { serialNumber = "AB1234", purpose = "seizure", make = "Glock\u200b" }))
            .ExpectFieldErrorAsync("make");
    }

    [Test]
    public async Task CustodyEventsRefuseControlCharactersInPartiesPlacesAndDocuments()
    {
        var id = await RecordAsync(_france);
        var maker = P("Glock GmbH", "manufacturer", "AT");
        var importer = P("Glock France SAS", "importer", "FR");
        var valid = Ev("exported", "2015-06-01", maker, importer, "AT", Auth("export-licence", "AT-EL-1"));

        await (await _france.PostJsonAsync(Events(id), valid with { ToParty = importer with { Name = $"Glock{RightToLeftOverride}" } })).ExpectFieldErrorAsync("toParty.name");
        await (await _france.PostJsonAsync(Events(id), valid with { FromParty = maker with { Licence = "L\u0007" } })).ExpectFieldErrorAsync("fromParty.licence");
        await (await _france.PostJsonAsync(Events(id), valid with { Place = $"Ferlach{Escape}" })).ExpectFieldErrorAsync("place");
        await (await _france.PostJsonAsync(Events(id), valid with { DocumentReference = "D\u200e1" })).ExpectFieldErrorAsync("documentReference");
        await (await _france.PostJsonAsync(Events(id), valid with { Authorization = Auth("export-licence", "AT\u2067EL") })).ExpectFieldErrorAsync("authorization.reference");
        await (await _france.PostJsonAsync(Events(id), valid with { Notes = "ok\u000c" })).ExpectFieldErrorAsync("notes");
    }

    [Test]
    public async Task TraceRequestsRefuseControlCharactersInTheAddresseeAndMessage()
    {
        var id = await RecordAsync(_france);

        await (await _france.PostJsonAsync("/api/v1/trace-requests", new { firearmId = id, toAgency = "DE\u0000BKA" })).ExpectFieldErrorAsync("toAgency");
        await (await _france.PostJsonAsync("/api/v1/trace-requests", new { firearmId = id, toAgency = "DE-BKA", message = $"see{Escape}" })).ExpectFieldErrorAsync("message");
    }

    [Test]
    public async Task AgenciesKeysAndReferenceNamesRefuseControlCharacters()
    {
        using var admin = App.Admin();

        await (await admin.PostJsonAsync("/api/v1/agencies", new { code = "IT-CC", name = $"Carabinieri{RightToLeftOverride}", countryCode = "IT" })).ExpectFieldErrorAsync("name");
        await (await admin.PostJsonAsync("/api/v1/agencies/FR-NCB/api-keys", new { roles = new[] { "search" }, label = $"ops{Escape}" })).ExpectFieldErrorAsync("label");
        await (await admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Beretta\u200b" })).ExpectFieldErrorAsync("canonicalName");
        await (await admin.PostJsonAsync("/api/v1/reference/makes", new { canonicalName = "Beretta X", aliases = new[] { "PB\u0000" } })).ExpectFieldErrorAsync("aliases[0]");
        await (await admin.PostJsonAsync("/api/v1/reference/calibres", new { canonicalName = $".45{Escape}" })).ExpectFieldErrorAsync("canonicalName");
    }
}
