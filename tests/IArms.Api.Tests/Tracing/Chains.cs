using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Tracing;

/// <summary>Custody event bodies and the calls that build a chain, so each test reads like the chain it describes.</summary>
internal static class Chains
{
    public sealed record PartyBody(string Name, string Kind, string? CountryCode = null, string? Licence = null);

    public sealed record AuthorizationBody(string Kind, string Reference);

    public sealed record EventBody(
        string? Type,
        string? Date,
        PartyBody? FromParty = null,
        PartyBody? ToParty = null,
        string? CountryCode = null,
        string? Place = null,
        string? DocumentReference = null,
        string? Notes = null,
        AuthorizationBody? Authorization = null);

    public static PartyBody P(string name, string kind, string? country = null) => new(name, kind, country);

    public static AuthorizationBody Auth(string kind, string reference) => new(kind, reference);

    public static EventBody Ev(string type, string date, PartyBody? from = null, PartyBody? to = null, string? country = null, AuthorizationBody? auth = null) =>
        new(type, date, from, to, country, Authorization: auth);

    /// <summary>Records a firearm visible to all and returns its id.</summary>
    public static async Task<long> RecordAsync(HttpClient owner, FirearmBody? body = null)
    {
        var created = await (await owner.PostJsonAsync("/api/v1/firearms", body ?? Firearm())).ExpectAsync(HttpStatusCode.Created);
        return (long)created["id"]!;
    }

    public static string Events(long firearmId) => $"/api/v1/firearms/{firearmId}/custody-events";

    public static string Trace(long firearmId) => $"/api/v1/firearms/{firearmId}/trace";

    /// <summary>Adds an event and returns its id.</summary>
    public static async Task<long> AddAsync(HttpClient client, long firearmId, EventBody e)
    {
        var created = await (await client.PostJsonAsync(Events(firearmId), e)).ExpectAsync(HttpStatusCode.Created);
        return (long)created["id"]!;
    }

    /// <summary>
    /// The owner asks another agency to trace the firearm and that agency answers with its events, the way an agency
    /// other than the owner contributes to a chain; returns the answer's event ids in the order given.
    /// </summary>
    public static async Task<long[]> AnsweredAsync(HttpClient owner, HttpClient addressee, string addresseeCode, long firearmId, params EventBody[] events)
    {
        var request = await (await owner.PostJsonAsync("/api/v1/trace-requests", new { firearmId, toAgency = addresseeCode, priority = "routine" }))
            .ExpectAsync(HttpStatusCode.Created);
        var answered = await (await addressee.PostJsonAsync($"/api/v1/trace-requests/{(long)request["id"]!}/response", new { outcome = "traced", events, notes = "" }))
            .ExpectAsync(HttpStatusCode.OK);
        return answered["answer"]!["events"]!.AsArray().Select(e => (long)e!["id"]!).ToArray();
    }

    public static async Task<JsonNode> TraceAsync(HttpClient client, long firearmId) =>
        await (await client.GetAsync(Trace(firearmId))).ExpectAsync(HttpStatusCode.OK);

    public static string[] Indicators(JsonNode report) => report["indicators"]!.AsArray().Select(i => (string)i!).ToArray();

    public static async Task<JsonNode[]> AlertsAsync(HttpClient client, string kind) =>
        (await (await client.GetAsync($"/api/v1/alerts?kind={kind}&status=all")).ExpectAsync(HttpStatusCode.OK))["items"]!
            .AsArray().Select(a => a!).ToArray();
}
