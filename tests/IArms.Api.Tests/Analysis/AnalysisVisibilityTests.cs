using System.Net;
using IArms.Api.Analysis;
using IArms.Api.Firearms;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
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

    private static readonly string[] DerivedTables = ["firearm_route_leg", "firearm_diversion", "firearm_party", "firearm_party_edge", "firearm_serial_shape"];

    /// <summary>A rifle of the leaking depot, recorded by CZ-NCB, seized in <paramref name="place"/>: it has rows in every derived table.</summary>
    private async Task<(long Id, FirearmBody Body)> DepotRifleAsync(HttpClient owner, string serial, string place, VisibilityBody visibility)
    {
        var body = Firearm(serial) with
        {
            Make = "CZ", Model = "Bren 2", Type = "rifle", YearOfManufacture = 2018, Status = "seized", EventCountryCode = "RO",
            EventPlace = place, CaseReference = $"CASE-{serial}", Visibility = visibility,
        };
        var id = await RecordAsync(owner, body);
        var maker = P("Ceska Zbrojovka a.s.", "manufacturer", "CZ");
        var depot = P(Depot, "state-stockpile", "UA");
        await AddAsync(owner, id, Ev("manufactured", "2018-05-20", to: maker, country: "CZ"));
        await AddAsync(owner, id, Ev("exported", "2019-02-01", maker, depot, "CZ", Auth("export-licence", $"CZ-EL-{serial}")));
        await AddAsync(owner, id, Ev("reported-stolen", "2023-03-01", depot, null, "UA"));
        await AddAsync(owner, id, Ev("seized", "2023-05-01", P($"Courier {place}", "private-person", "RO"), P("Politia", "police", "RO"), "RO"));
        return (id, body);
    }

    private static async Task ReplaceAsync(HttpClient owner, long id, FirearmBody body)
    {
        var read = await owner.GetAsync($"/api/v1/firearms/{id}");
        await read.ExpectAsync(HttpStatusCode.OK);
        await (await owner.SendJsonAsync(HttpMethod.Put, $"/api/v1/firearms/{id}", body, ("If-Match", read.Headers.ETag!.ToString())))
            .ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task ARecordsScopeNarrowedByAPutLeavesEveryAggregateAtOnceAndWideningItBringsTheRecordBack()
    {
        var before = await EverythingAsync(_s.Analyst);
        var (rifle, body) = await DepotRifleAsync(_s.Cz, "CZB140000", "Narrowed", new VisibilityBody("all"));
        var shown = await EverythingAsync(_s.Analyst);

        await ReplaceAsync(_s.Cz, rifle, body with { Visibility = new VisibilityBody("countries", ["DE"]) });
        var narrowed = await EverythingAsync(_s.Analyst);
        await ReplaceAsync(_s.Cz, rifle, body);
        var widened = await EverythingAsync(_s.Analyst);

        Assert.Multiple(() =>
        {
            Assert.That(shown["/routes"], Is.Not.EqualTo(before["/routes"]), "the public record counts");
            Assert.That(shown["/parties"], Is.Not.EqualTo(before["/parties"]), "the public record counts");
            foreach (var (query, answer) in before)
            {
                Assert.That(narrowed[query], Is.EqualTo(answer), $"narrowed: {query}");
                Assert.That(widened[query], Is.EqualTo(shown[query]), $"widened: {query}");
            }
        });
    }

    /// <summary>For every agency and every derived table, the firearms each rule lets that agency see.</summary>
    private Dictionary<string, (HashSet<long> Derived, HashSet<long> Record)> VisibleSets()
    {
        using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Pooling=False");
        connection.Open();
        var agencies = new List<(long Id, string Code, string Country)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, code, country_code FROM agency";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                agencies.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            }
        }
        var sets = new Dictionary<string, (HashSet<long>, HashSet<long>)>();
        foreach (var table in DerivedTables)
        {
            foreach (var (id, code, country) in agencies)
            {
                sets[$"{table} as {code}"] = (
                    Ids(connection, $"SELECT x.firearm_id FROM {table} x WHERE {AnalysisQueries.DerivedVisibleTo("x")}", id, country),
                    Ids(connection, $"SELECT x.firearm_id FROM {table} x JOIN firearm f ON f.id = x.firearm_id WHERE f.withdrawn_at IS NULL AND {FirearmQueries.VisibleTo}", id, country));
            }
        }
        return sets;

        static HashSet<long> Ids(SqliteConnection connection, string sql, long agencyId, string country)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("@callerAgencyId", agencyId);
            command.Parameters.AddWithValue("@callerCountry", country);
            using var reader = command.ExecuteReader();
            var ids = new HashSet<long>();
            while (reader.Read())
            {
                ids.Add(reader.GetInt64(0));
            }
            return ids;
        }
    }

    [Test]
    public async Task TheDerivedRowsVisibilityRuleAgreesWithTheRecordsRuleForEveryAgencyScopeAndTableAlsoAfterScopesChange()
    {
        // Every case of the matrix: public; restricted to another country (DE), to the analyst's (NL) among others,
        // to the owner's own country only; seen by the owner, by a listed and an unlisted country, and by HQ.
        var cases = new List<(long Id, FirearmBody Body)>
        {
            await DepotRifleAsync(_s.Cz, "CZB150000", "Matrix 1", new VisibilityBody("all")),
            await DepotRifleAsync(_s.Cz, "CZB150100", "Matrix 2", new VisibilityBody("countries", ["DE"])),
            await DepotRifleAsync(_s.Cz, "CZB150200", "Matrix 3", new VisibilityBody("countries", ["BE", "NL"])),
            await DepotRifleAsync(_s.Cz, "CZB150300", "Matrix 4", new VisibilityBody("countries", ["CZ"])),
        };
        var first = VisibleSets();

        // Scopes change by PUT: the public one is restricted, the restricted ones made public or moved.
        await ReplaceAsync(_s.Cz, cases[0].Id, cases[0].Body with { Visibility = new VisibilityBody("countries", ["NL"]) });
        await ReplaceAsync(_s.Cz, cases[1].Id, cases[1].Body with { Visibility = new VisibilityBody("all") });
        await ReplaceAsync(_s.Cz, cases[2].Id, cases[2].Body with { Visibility = new VisibilityBody("countries", ["DE"]) });
        var second = VisibleSets();

        Assert.Multiple(() =>
        {
            foreach (var (name, (derived, record)) in first.Concat(second.Select(s => KeyValuePair.Create($"after the PUTs: {s.Key}", s.Value))))
            {
                Assert.That(derived, Is.EquivalentTo(record), name);
            }
            // The matrix is not trivial: the analyst sees the public and NL records only, then the moved ones.
            var ids = cases.Select(c => c.Id).ToList();
            Assert.That(first["firearm_serial_shape as NL-NP"].Derived.Intersect(ids), Is.EquivalentTo(new[] { ids[0], ids[2] }));
            Assert.That(second["firearm_serial_shape as NL-NP"].Derived.Intersect(ids), Is.EquivalentTo(new[] { ids[0], ids[1] }));
            Assert.That(first["firearm_route_leg as CZ-NCB"].Derived.Intersect(ids), Is.EquivalentTo(ids), "the owner sees its own");
            Assert.That(first["firearm_party as DE-BKA"].Derived.Intersect(ids), Is.EquivalentTo(new[] { ids[0], ids[1] }));
        });
    }
}
