using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Contract;

/// <summary>Issue 15: the service enforces what the contract says, so a field or parameter it does not know is a 400 naming it.</summary>
public class StrictBindingTests : ApiFixture
{
    private HttpClient _france = null!;

    [OneTimeSetUp]
    public async Task Start() => _france = await App.AgencyAsync("FR-NCB", "FR", "search", "record", "trace");

    private static JsonObject Body(FirearmBody record) => JsonSerializer.SerializeToNode(record, JsonSerializerOptions.Web)!.AsObject();

    [Test]
    public async Task AnUnknownBodyFieldIsRefusedWithA400NamingIt()
    {
        var body = Body(Firearm("SB-1001"));
        body["colour"] = "black";

        var messages = await (await _france.PostRawAsync("/api/v1/firearms", body.ToJsonString())).ExpectFieldErrorAsync("colour");

        Assert.That(messages[0], Does.Contain("'colour' is not a field"));
        Assert.That(messages[0], Does.Not.Contain("IArms."), "No .NET type name leaks into the message.");
        var list = await (await _france.GetAsync("/api/v1/firearms?limit=200")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(list["items"]!.AsArray().Any(i => (string?)i!["serialNumber"] == "SB-1001"), Is.False, "Nothing was stored.");
    }

    [Test]
    public async Task APascalCaseFieldNameIsUnknown()
    {
        var body = Body(Firearm("SB-1002"));
        body.Remove("serialNumber");
        body["SerialNumber"] = "SB-1002";

        var messages = await (await _france.PostRawAsync("/api/v1/firearms", body.ToJsonString())).ExpectFieldErrorAsync("SerialNumber");
        Assert.That(messages[0], Does.Contain("case-sensitive"));
    }

    [TestCase("visibility", "level", "visibility.level")]
    [TestCase("otherSerials", "side", "otherSerials[0].side")]
    public async Task AnUnknownFieldInANestedObjectIsRefusedWithItsPath(string parent, string unknown, string field)
    {
        var body = Body(Firearm("SB-1003") with { OtherSerials = [new OtherSerialBody("slide", "SB1003")] });
        var nested = parent == "visibility" ? body[parent]!.AsObject() : body[parent]![0]!.AsObject();
        nested[unknown] = "x";

        await (await _france.PostRawAsync("/api/v1/firearms", body.ToJsonString())).ExpectFieldErrorAsync(field);
    }

    [Test]
    public async Task AnUnknownFieldInACustodyEventIsRefused()
    {
        var created = await (await _france.PostJsonAsync("/api/v1/firearms", Firearm("SB-1004"))).ExpectAsync(HttpStatusCode.Created);
        var response = await _france.PostRawAsync($"/api/v1/firearms/{(long)created["id"]!}/custody-events",
            """{"type":"manufactured","date":"2015-01-01","toParty":{"name":"Glock","kind":"manufacturer","countryCode":"AT","license":"x"}}""");

        await response.ExpectFieldErrorAsync("toParty.license");
    }

    [TestCase("/api/v1/alerts?externalId=FR-1")]
    [TestCase("/api/v1/firearms?foo=1")]
    [TestCase("/api/v1/firearms?Status=stolen")]
    [TestCase("/api/v1/agencies?limit=5&colour=red")]
    public async Task AnUnknownQueryParameterIsRefusedWithA400NamingIt(string url)
    {
        var name = url.Split('?')[1].Split('&').Select(p => p.Split('=')[0]).Last();

        var messages = await (await _france.GetAsync(url)).ExpectFieldErrorAsync(name);
        Assert.That(messages[0], Does.Contain($"'{name}' is not a query parameter"));
    }

    [Test]
    public async Task ARouteWithoutQueryParametersRefusesAny()
    {
        var created = await (await _france.PostJsonAsync("/api/v1/firearms", Firearm("SB-1005"))).ExpectAsync(HttpStatusCode.Created);

        var messages = await (await _france.GetAsync($"/api/v1/firearms/{(long)created["id"]!}?fields=all")).ExpectFieldErrorAsync("fields");
        Assert.That(messages[0], Does.Contain("takes no query parameters"));
    }

    [Test]
    public async Task DeclaredQueryParametersIncludingPagingRecordsAreAccepted()
    {
        await (await _france.GetAsync("/api/v1/firearms?status=stolen&limit=5")).ExpectAsync(HttpStatusCode.OK);
        await (await _france.GetAsync("/api/v1/alerts?status=open&limit=1")).ExpectAsync(HttpStatusCode.OK);
        await (await _france.GetAsync("/api/v1/trace-requests?direction=incoming&limit=1")).ExpectAsync(HttpStatusCode.OK);
    }
}
