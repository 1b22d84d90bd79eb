using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Analysis;

/// <summary>
/// The acceptance scenarios of issue 13, built through the API (records, direct custody events and trace answers)
/// among random noise: a leaking depot, a straw buyer, a stolen shipment with consecutive serials.
/// </summary>
internal sealed class PlantedScenarios
{
    public const string Depot = "Ministry of Defence Depot 7";
    public const string Buyer = "John A. Smith";
    public const string Base = "/api/v1/analysis";

    // The buyer as the agencies answering on each pistol wrote him.
    private static readonly string[] BuyerSpellings = ["John A. Smith", "SMITH, JOHN A.", "John A Smith", "Smith John A."];

    // Noise moves between these countries only, so the planted routes' counts are exact.
    private static readonly string[] NoiseCountries = ["FR", "BE", "ES", "PT", "AT"];

    public HttpClient Cz { get; private set; } = null!;
    public HttpClient Ua { get; private set; } = null!;
    public HttpClient Ro { get; private set; } = null!;
    public HttpClient Us { get; private set; } = null!;
    public HttpClient Fr { get; private set; } = null!;
    public HttpClient De { get; private set; } = null!;
    public HttpClient It { get; private set; } = null!;
    public HttpClient[] Seizers { get; private set; } = [];

    /// <summary>An analyst of NL-NP (role analysis only).</summary>
    public HttpClient Analyst { get; private set; } = null!;

    public List<long> Rifles { get; } = [];
    public List<long> Pistols { get; } = [];
    public List<long> Lot { get; } = [];
    public List<long> UnrelatedBerettas { get; } = [];

    public static async Task<PlantedScenarios> PlantAsync(IArmsApplication app)
    {
        var s = new PlantedScenarios
        {
            Cz = await app.AgencyAsync("CZ-NCB", "CZ", "record", "trace", "search"),
            Ua = await app.AgencyAsync("UA-NCB", "UA", "trace", "search"),
            Ro = await app.AgencyAsync("RO-POL", "RO", "record", "trace", "search"),
            Us = await app.AgencyAsync("US-ATF", "US", "record", "trace", "search"),
            Fr = await app.AgencyAsync("FR-PN", "FR", "record", "trace", "search"),
            De = await app.AgencyAsync("DE-BKA", "DE", "record", "trace", "search", "analysis"),
            It = await app.AgencyAsync("IT-CC", "IT", "record", "trace", "search"),
            Seizers =
            [
                await app.AgencyAsync("MX-FGR", "MX", "record", "trace", "search"),
                await app.AgencyAsync("GT-PNC", "GT", "record", "trace", "search"),
                await app.AgencyAsync("CO-DIJIN", "CO", "record", "trace", "search"),
            ],
            Analyst = await app.AgencyAsync("NL-NP", "NL", "analysis"),
        };
        await s.NoiseAsync();
        await s.DepotAsync();
        await s.StrawBuyerAsync();
        await s.LotAsync();
        return s;
    }

    /// <summary>Ten unrelated chains (each its own maker and owner) and a few lone serials.</summary>
    private async Task NoiseAsync()
    {
        var random = new Random(7);
        for (var n = 0; n < 10; n++)
        {
            var from = NoiseCountries[n % NoiseCountries.Length];
            var to = NoiseCountries[(n + 1 + random.Next(3)) % NoiseCountries.Length];
            var id = await RecordAsync(Fr, Firearm($"NZ{n * 1000 + random.Next(500)}") with
            {
                Make = $"Noisemaker {n % 3}", Model = "N", Type = "shotgun", YearOfManufacture = 2010, Status = "seized",
                EventCountryCode = to, EventPlace = $"Noise {n}", CaseReference = $"NZ-{n}",
            });
            var maker = P($"Noise Factory {n}", "manufacturer", from);
            var owner = P($"Noise Owner {n}", "private-person", from);
            await AddAsync(Fr, id, Ev("manufactured", "2010-03-01", to: maker, country: from));
            await AddAsync(Fr, id, Ev("sold", $"201{1 + random.Next(8)}-05-01", maker, owner, from));
            await AddAsync(Fr, id, Ev(n % 2 == 0 ? "reported-lost" : "reported-stolen", "2020-02-02", owner, null, from));
            await AddAsync(Fr, id, Ev("seized", $"202{1 + random.Next(5)}-07-07", null, P($"Police {to}", "police", to), to));
        }
        foreach (var serial in new[] { "BER100900", "BER500000" })
        {
            UnrelatedBerettas.Add(await RecordAsync(It, Firearm(serial) with
            {
                Make = "Beretta", Model = "92FS", EventCountryCode = "IT", EventPlace = $"Napoli {serial}", CaseReference = $"IT-{serial}",
            }));
        }
        // Close serials of one case are one record's list, not a finding; another make's are another lot.
        foreach (var serial in new[] { "BER200001", "BER200002" })
        {
            UnrelatedBerettas.Add(await RecordAsync(It, Firearm(serial) with
            {
                Make = "Beretta", Model = "92FS", EventCountryCode = "IT", EventPlace = "Milano", CaseReference = "IT-ONE-CASE",
            }));
        }
        UnrelatedBerettas.Add(await RecordAsync(It, Firearm("PX100203") with { Make = "Beretta", Model = "92FS", CaseReference = "IT-PX", EventPlace = "Roma" }));
        await RecordAsync(Fr, Firearm("BER100204") with { Make = "Glock", Model = "19", CaseReference = "FR-GLOCK", EventPlace = "Paris" });
    }

    /// <summary>Six rifles exported under licence from CZ to a Ukrainian depot, stolen from it over two years, moved through MD, seized in RO.</summary>
    private async Task DepotAsync()
    {
        var maker = P("Ceska Zbrojovka a.s.", "manufacturer", "CZ");
        var depot = P(Depot, "state-stockpile", "UA");
        for (var i = 0; i < 6; i++)
        {
            var id = await RecordAsync(Ro, Firearm($"CZB{100000 + i * 5000}") with
            {
                Make = "CZ", Model = "Bren 2", Type = "rifle", CountryOfManufacture = "CZ", YearOfManufacture = 2018, Status = "seized",
                EventDate = "2024-06-01", EventCountryCode = "RO", EventPlace = $"Constanta {i}", CaseReference = $"RO-{i}",
            });
            Rifles.Add(id);
            // The maker's country answers a trace request with the manufacture and the licensed export.
            await AnswerAsync(Cz, await TraceRequestAsync(Ro, id, "CZ-NCB"),
                Ev("manufactured", $"2018-05-{10 + i}", to: maker, country: "CZ"),
                Ev("exported", "2019-02-01", maker, depot, "CZ", Auth("export-licence", "CZ-EL-2019-7")));

            // The depot's country answers a trace request with the import and the theft.
            var stolen = new DateOnly(2021, 1, 10).AddDays(i * 120);
            var request = await TraceRequestAsync(Ro, id, "UA-NCB");
            await AnswerAsync(Ua, request,
                Ev("imported", "2019-02-05", maker, depot, "UA", Auth("import-licence", "UA-IL-2019-7")),
                Ev("reported-stolen", stolen.ToString("yyyy-MM-dd"), depot, null, "UA"));

            await AddAsync(Ro, id, Ev("transferred", stolen.AddDays(30).ToString("yyyy-MM-dd"), P("", "unknown"), P("", "unknown"), "MD"));
            await AddAsync(Ro, id, Ev("seized", stolen.AddDays(60).ToString("yyyy-MM-dd"), P("Ion Popescu", "private-person", "RO"),
                P("Politia Constanta", "police", "RO"), "RO"));
        }
    }

    /// <summary>Four pistols bought by one man within weeks in the US and seized in MX, GT, CO and MX; the US answers each trace.</summary>
    private async Task StrawBuyerAsync()
    {
        var maker = P("Glock Inc.", "manufacturer", "US");
        var dealer = P("Guns & Ammo LLC", "dealer", "US");
        for (var j = 0; j < 4; j++)
        {
            var seizer = Seizers[j % Seizers.Length];
            var country = new[] { "MX", "GT", "CO" }[j % 3];
            var id = await RecordAsync(seizer, Firearm($"GLK{10000 + j * 10000}") with
            {
                Make = "Glock", Model = "19", YearOfManufacture = 2023, Status = "seized", EventDate = "2025-03-01",
                EventCountryCode = country, EventPlace = $"Place {j}", CaseReference = $"{country}-{j}",
            });
            Pistols.Add(id);
            var request = await TraceRequestAsync(seizer, id, "US-ATF");
            await AnswerAsync(Us, request,
                Ev("manufactured", "2023-09-01", to: maker, country: "US"),
                Ev("sold", "2023-11-15", maker, dealer, "US"),
                Ev("sold", new DateOnly(2024, 3, 1).AddDays(j * 9).ToString("yyyy-MM-dd"), dealer, P(BuyerSpellings[j], "private-person", "US"), "US"));
            await AddAsync(seizer, id, Ev("seized", new DateOnly(2025, 2, 1).AddDays(j * 30).ToString("yyyy-MM-dd"),
                P($"Courier {j}", "private-person", country), P($"Policia {country}", "police", country), country));
        }
    }

    /// <summary>Five Beretta pistols with consecutive serials, stolen from one carrier and seized one by one in three countries.</summary>
    private async Task LotAsync()
    {
        var agencies = new[] { (Fr, "FR"), (De, "DE"), (It, "IT") };
        var maker = P("Fabbrica d'Armi Pietro Beretta S.p.A.", "manufacturer", "IT");
        var carrier = P("TransLog Spedizioni Srl", "company", "IT");
        for (var k = 0; k < 5; k++)
        {
            var (agency, country) = agencies[k % agencies.Length];
            var id = await RecordAsync(agency, Firearm($"BER{100201 + k}") with
            {
                Make = "Beretta", Model = "92FS", YearOfManufacture = 2022, Status = "seized",
                EventDate = new DateOnly(2024, 1, 1).AddDays(k * 40).ToString("yyyy-MM-dd"),
                EventCountryCode = country, EventPlace = $"City {k}", CaseReference = $"{country}-LOT-{k}",
            });
            Lot.Add(id);
            await AddAsync(agency, id, Ev("manufactured", "2022-01-10", to: maker, country: "IT"));
            await AddAsync(agency, id, Ev("transferred", "2023-06-01", maker, carrier, "IT"));
            await AddAsync(agency, id, Ev("reported-stolen", "2023-06-03", carrier, null, "IT"));
            await AddAsync(agency, id, Ev("seized", new DateOnly(2024, 1, 1).AddDays(k * 40).ToString("yyyy-MM-dd"), null,
                P($"Police {country}", "police", country), country));
        }
    }

    public static async Task<long> TraceRequestAsync(HttpClient requester, long firearmId, string toAgency) =>
        (long)(await (await requester.PostJsonAsync("/api/v1/trace-requests",
            new { firearmId, toAgency, priority = "routine", message = "Please trace." })).ExpectAsync(HttpStatusCode.Created))["id"]!;

    public static async Task AnswerAsync(HttpClient addressee, long requestId, params EventBody[] events) =>
        await (await addressee.PostJsonAsync($"/api/v1/trace-requests/{requestId}/response",
            new { outcome = "traced", reasonCode = (string?)null, events, notes = "From the register." })).ExpectAsync(HttpStatusCode.OK);

    /// <summary>Every analysis answer the analyst can ask for here, as JSON text.</summary>
    public static async Task<Dictionary<string, string>> EverythingAsync(HttpClient client)
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

    public static async Task<JsonNode> GetAsync(HttpClient client, string pathAndQuery) =>
        await (await client.GetAsync(Base + pathAndQuery)).ExpectAsync(HttpStatusCode.OK);

    public static JsonNode[] Items(JsonNode body) => body["items"]!.AsArray().Select(i => i!).ToArray();
}
