using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Security;

/// <summary>
/// Findings of the security review of issue 11 as merged: what an agency with a valid key could still read or
/// store, each as the attack that found it.
/// </summary>
public class ReviewFindingsTests : ApiFixture
{
    private const string Requests = "/api/v1/trace-requests";

    private HttpClient _owner = null!;
    private HttpClient _italy = null!;
    private HttpClient _belgium = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _owner = await App.AgencyAsync("FR-PN", "FR", "record", "trace", "search", "audit");
        _italy = await App.AgencyAsync("IT-PS", "IT", "record", "trace", "search", "audit");
        _belgium = await App.AgencyAsync("BE-FPP", "BE", "record", "trace", "search");
    }

    private static FirearmBody Restricted(params string[] countries) =>
        Firearm("REV-" + Guid.NewGuid().ToString("N")[..8]) with { Visibility = new VisibilityBody("countries", countries) };

    private static async Task<long> OpenAsync(HttpClient requester, long firearmId, string toAgency) =>
        (long)(await (await requester.PostJsonAsync(Requests, new { firearmId, toAgency, priority = "routine", message = "Please trace." }))
            .ExpectAsync(HttpStatusCode.Created))["id"]!;

    private async Task NarrowAsync(long id, FirearmBody body, params string[] countries)
    {
        var location = $"/api/v1/firearms/{id}";
        var etag = (await _owner.GetAsync(location)).Headers.ETag!.ToString();
        await (await _owner.SendJsonAsync(HttpMethod.Put, location, body with { Visibility = new VisibilityBody("countries", countries) }, ("If-Match", etag)))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [TestCase("\u001b[2J")]
    [TestCase("wrong \u202erecord")]
    [TestCase("wrong\u0000record")]
    public async Task ARetractionReasonWithControlEscapeOrBidiCharactersIsRefusedAndTheEventStaysLive(string reason)
    {
        var id = await RecordAsync(_owner);
        var ev = await AddAsync(_owner, id, Ev("manufactured", "2015-01-01", null, P("Glock GmbH", "manufacturer", "AT"), "AT"));

        var messages = await (await _owner.PostJsonAsync($"{Events(id)}/{ev}/retract", new { reason })).ExpectFieldErrorAsync("reason");

        Assert.That(messages, Is.Not.Empty);
        var chain = (await (await _owner.GetAsync(Trace(id))).ExpectAsync(HttpStatusCode.OK))["chain"]!.AsArray();
        Assert.That(chain.Single()!["retractedAt"], Is.Null);
    }
}
