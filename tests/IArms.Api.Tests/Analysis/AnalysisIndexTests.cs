using System.Net;
using IArms.Api.Analysis;
using IArms.Api.Bulk;
using IArms.Api.Tests.Bulk;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Analysis.PlantedScenarios;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Analysis;

/// <summary>The derived tables kept per write equal the ones a full rebuild derives, however the writes came.</summary>
public class AnalysisIndexTests : ApiFixture
{
    private static readonly string[] Tables =
        ["party_key", "firearm_party_key", "firearm_route_leg", "firearm_diversion", "firearm_party", "firearm_party_edge", "firearm_serial_shape", "firearm_serial_run"];

    private PlantedScenarios _s = null!;

    [OneTimeSetUp]
    public async Task Plant() => _s = await PlantAsync(App);

    private Dictionary<string, List<string>> Dump()
    {
        using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Pooling=False");
        connection.Open();
        var dump = new Dictionary<string, List<string>>();
        foreach (var table in Tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table}";
            using var reader = command.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
            rows.Sort(StringComparer.Ordinal);
            dump[table] = rows;
        }
        return dump;
    }

    [Test]
    public async Task TheTablesKeptPerWriteEqualAFullRebuildAfterPartiesMergeRecordsChangeAndAreWithdrawn()
    {
        // A dealer first known by name only, in two chains; then a chain gives its licence, which merges the
        // name-only occurrences into the licensed party: the first two chains' rows must follow.
        var dealer = P("Acme Arms", "dealer", "FR");
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var id = await RecordAsync(_s.Fr, Firearm($"ACM{i * 1000}") with { Make = "Acme", YearOfManufacture = 2016, Status = "seized", CaseReference = $"ACME-{i}" });
            ids.Add(id);
            await AddAsync(_s.Fr, id, Ev("manufactured", "2016-01-01", to: P("Acme Works", "manufacturer", "FR"), country: "FR"));
            await AddAsync(_s.Fr, id, Ev("sold", "2017-01-01", P("Acme Works", "manufacturer", "FR"), i == 2 ? dealer with { Licence = "FR-ARM-001" } : dealer, "FR"));
            await AddAsync(_s.Fr, id, Ev("seized", "2024-01-01", null, P("Police", "police", "BE"), "BE"));
        }
        var partiesOfDealer = Items(await GetAsync(_s.Analyst, "/parties?role=buyer")).Where(p => (string?)p["name"] == "Acme Arms").ToList();

        // A record's serial and make change; another is withdrawn.
        var changed = _s.Lot[0];
        var read = await _s.Fr.GetAsync($"/api/v1/firearms/{changed}");
        await read.ExpectAsync(HttpStatusCode.OK);
        var body = Firearm("BER900001") with
        {
            Make = "Beretta", Model = "92FS", YearOfManufacture = 2022, Status = "seized", EventDate = "2024-01-01",
            EventCountryCode = "FR", EventPlace = "City 0", CaseReference = "FR-LOT-0",
        };
        await (await _s.Fr.SendJsonAsync(HttpMethod.Put, $"/api/v1/firearms/{changed}", body, ("If-Match", read.Headers.ETag!.ToString())))
            .ExpectAsync(HttpStatusCode.OK);
        await (await _s.Ro.WithdrawAsync($"/api/v1/firearms/{_s.Rifles[0]}")).ExpectAsync(HttpStatusCode.NoContent);

        var kept = Dump();
        await AnalysisIndex.RebuildAsync(App.Services.GetRequiredService<Db>(), CancellationToken.None);
        var rebuilt = Dump();

        var runs = Items(await GetAsync(_s.Analyst, "/serial-runs?make=Beretta"));
        var routes = Items(await GetAsync(_s.Analyst, "/routes?fromCountry=UA"));
        Assert.Multiple(() =>
        {
            Assert.That(partiesOfDealer, Has.Count.EqualTo(1), "one dealer, known by licence");
            Assert.That((int)partiesOfDealer[0]["firearms"]!, Is.EqualTo(3));
            foreach (var table in Tables)
            {
                Assert.That(kept[table], Is.EqualTo(rebuilt[table]), table);
            }
            Assert.That(kept["firearm_serial_shape"], Is.Not.Empty);
            Assert.That(runs.Single()["firearms"]!.AsArray().Select(f => (long)f!), Is.EqualTo(_s.Lot.Skip(1)), "the changed serial left the run");
            Assert.That((int)routes.Single()["firearms"]!, Is.EqualTo(5), "the withdrawn rifle no longer counts");
        });
    }

    [Test]
    public async Task RecordsCreatedAndReplacedByAnImportGetTheRowsAFullRebuildDerivesAndJoinSerialRuns()
    {
        // Three seized pistols of one lot arrive by import; a second import moves one of them to another serial.
        // The serial runs must see them at once (no rebuild), and the tables must be what a rebuild derives.
        string Line(int i, string serial) => Imports.Json(Firearm(serial) with
        {
            ExternalId = $"IMPORTED-LOT-{i}", Make = "Importwerk", Status = "seized", EventDate = "2024-02-01",
            EventCountryCode = "DE", EventPlace = $"Imported place {i}", CaseReference = $"IMPORTED-CASE-{i}",
        });
        var first = string.Join("\n", Enumerable.Range(0, 3).Select(i => Line(i, $"IMW{7000 + i}")));
        var (_, id) = await Imports.UploadAsync(_s.Fr, Imports.Utf8(first), ImportApi.NdJsonType);
        var job = await Imports.FinishedAsync(_s.Fr, id);
        var runBefore = Items(await GetAsync(_s.Analyst, "/serial-runs?make=Importwerk"));

        (_, id) = await Imports.UploadAsync(_s.Fr, Imports.Utf8(Line(0, "QQ55")), ImportApi.NdJsonType);
        var second = await Imports.FinishedAsync(_s.Fr, id);
        var runAfter = Items(await GetAsync(_s.Analyst, "/serial-runs?make=Importwerk"));

        var kept = Dump();
        await AnalysisIndex.RebuildAsync(App.Services.GetRequiredService<Db>(), CancellationToken.None);
        var rebuilt = Dump();
        Assert.Multiple(() =>
        {
            Assert.That(Imports.Count(job, "created"), Is.EqualTo(3));
            Assert.That(Imports.Count(second, "updated"), Is.EqualTo(1));
            Assert.That(runBefore.Single()["firearms"]!.AsArray(), Has.Count.EqualTo(3), "the imported lot is one run");
            Assert.That(runAfter.Single()["firearms"]!.AsArray(), Has.Count.EqualTo(2), "the re-serialled pistol left the run");
            foreach (var table in Tables)
            {
                Assert.That(kept[table], Is.EqualTo(rebuilt[table]), table);
            }
        });
    }
}
