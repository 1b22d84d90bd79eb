using static IArms.Api.Tests.Analysis.PlantedScenarios;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Analysis;

/// <summary>Records an agency may not see change no number it is shown, on any analysis route.</summary>
public class AnalysisVisibilityTests : Infrastructure.ApiFixture
{
    private PlantedScenarios _s = null!;

    [OneTimeSetUp]
    public async Task Plant() => _s = await PlantAsync(App);

    /// <summary>Every analysis answer the analyst can ask for here, as JSON text.</summary>
    private async Task<Dictionary<string, string>> EverythingAsync(HttpClient client)
    {
        var buyer = (string)Items(await GetAsync(client, "/parties?role=buyer"))[0]["id"]!;
        var depot = (string)Items(await GetAsync(client, "/parties"))[0]["id"]!;
        string[] queries =
        [
            "/routes", "/routes?fromCountry=UA", "/routes?type=rifle&reason=theft&since=2019-01-01&until=2026-01-01",
            "/diversion-sources?groupBy=country", "/diversion-sources?groupBy=party", "/diversion-sources?groupBy=reason",
            "/diversion-sources?groupBy=partyKind", "/diversion-sources?groupBy=party&toCountry=RO",
            "/parties", "/parties?role=buyer", "/parties?minFirearms=1", "/parties?role=last-lawful-holder&make=glock",
            $"/parties/{buyer}/network?depth=4", $"/parties/{depot}/network?depth=2",
            "/serial-runs?make=Beretta", "/serial-runs?maxGap=100000",
            "/trends?metric=thefts&by=month", "/trends?metric=losses&by=year", "/trends?metric=seizures&by=quarter", "/trends?metric=traces&by=month",
        ];
        var answers = new Dictionary<string, string>();
        foreach (var q in queries)
        {
            answers[q] = (await GetAsync(client, q)).ToJsonString();
        }
        var graph = await client.GetAsync($"{Base}/network.graphml?party={buyer}");
        answers["graphml"] = await graph.Content.ReadAsStringAsync();
        return answers;
    }

    [Test]
    public async Task ARestrictedRecordOutsideTheCallersVisibilityChangesNoNumberOfAnyEndpoint()
    {
        var before = await EverythingAsync(_s.Analyst);
        var ownerBefore = Items(await GetAsync(_s.De, "/routes")).Single(r => (string?)r["fromCountry"] == "CZ" && (string?)r["toCountry"] == "UA");

        // DE records, restricted to DE, one more of each planted pattern: a depot rifle, a pistol of the straw buyer,
        // two serials around the stolen shipment's, and a trace request.
        var hidden = new VisibilityBody("countries", ["DE"]);
        var rifle = await RecordAsync(_s.De, Firearm("CZB130000") with
        {
            Make = "CZ", Model = "Bren 2", Type = "rifle", YearOfManufacture = 2018, Status = "seized", EventCountryCode = "RO",
            EventPlace = "Hidden", CaseReference = "DE-H-1", Visibility = hidden,
        });
        var maker = P("Ceska Zbrojovka a.s.", "manufacturer", "CZ");
        var depot = P(Depot, "state-stockpile", "UA");
        await AddAsync(_s.De, rifle, Ev("manufactured", "2018-05-20", to: maker, country: "CZ"));
        await AddAsync(_s.De, rifle, Ev("exported", "2019-02-01", maker, depot, "CZ", Auth("export-licence", "CZ-EL-2019-7")));
        await AddAsync(_s.De, rifle, Ev("reported-stolen", "2023-03-01", depot, null, "UA"));
        await AddAsync(_s.De, rifle, Ev("transferred", "2023-04-01", P("", "unknown"), P("", "unknown"), "MD"));
        await AddAsync(_s.De, rifle, Ev("seized", "2023-05-01", P("Hidden Courier", "private-person", "RO"), P("Politia", "police", "RO"), "RO"));
        await TraceRequestAsync(_s.De, rifle, "UA-NCB");

        var pistol = await RecordAsync(_s.De, Firearm("GLK50000") with
        {
            Make = "Glock", Model = "19", YearOfManufacture = 2023, Status = "seized", EventCountryCode = "DE", CaseReference = "DE-H-2", Visibility = hidden,
        });
        await AddAsync(_s.De, pistol, Ev("manufactured", "2023-09-01", to: P("Glock Inc.", "manufacturer", "US"), country: "US"));
        await AddAsync(_s.De, pistol, Ev("sold", "2024-03-20", P("Guns & Ammo LLC", "dealer", "US"), P(Buyer, "private-person", "US"), "US"));
        await AddAsync(_s.De, pistol, Ev("seized", "2025-06-01", null, P("Polizei", "police", "DE"), "DE"));

        foreach (var serial in new[] { "BER100200", "BER100206" })
        {
            var id = await RecordAsync(_s.De, Firearm(serial) with
            {
                Make = "Beretta", Model = "92FS", Status = "seized", CaseReference = $"DE-{serial}", EventPlace = serial, Visibility = hidden,
            });
            await AddAsync(_s.De, id, Ev("reported-stolen", "2023-06-03", P("TransLog Spedizioni Srl", "company", "IT"), null, "IT"));
        }

        var after = await EverythingAsync(_s.Analyst);
        var ownerAfter = Items(await GetAsync(_s.De, "/routes")).Single(r => (string?)r["fromCountry"] == "CZ" && (string?)r["toCountry"] == "UA");
        Assert.Multiple(() =>
        {
            foreach (var (query, answer) in before)
            {
                Assert.That(after[query], Is.EqualTo(answer), query);
            }
            Assert.That((int)ownerAfter["firearms"]!, Is.EqualTo((int)ownerBefore["firearms"]! + 1), "the owner counts its own record");
        });
    }
}
