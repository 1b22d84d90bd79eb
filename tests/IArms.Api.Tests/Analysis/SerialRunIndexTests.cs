using System.Net;
using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Analysis;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Analysis;

/// <summary>
/// Serial runs found from the kept runs (migration 0028) equal the full chaining of every visible candidate, for every
/// agency, filter and page, on random serials that records of several scopes create, move and withdraw.
/// </summary>
public class SerialRunIndexTests : ApiFixture
{
    private static readonly string[] Countries = ["FR", "DE", "IT", "PL"];

    private readonly List<(HttpClient Client, Caller Caller)> _agencies = [];

    [OneTimeSetUp]
    public async Task Plant()
    {
        foreach (var country in Countries)
        {
            var client = await App.AgencyAsync($"{country}-RUN", country, "record", "search", "analysis");
            _agencies.Add((client, await CallerAsync($"{country}-RUN", country)));
        }

        // Dense serials of two makes and two skeletons, so that runs touch, merge and split; models mostly plain (some
        // spelt two ways), some non-ASCII or missing (the bounds' fallbacks); few cases and places, so that some chains are one
        // record's own; every scope: public, restricted to one agency's country, to a country no agency here is in (the owner's alone).
        var random = new Random(20261202);
        string[] models = ["17", "17", "19", "19", "43", "G-17", "g 17", "Stürm", ""];
        var ids = new List<(long Id, HttpClient Owner, FirearmBody Body)>();
        for (var i = 0; i < 240; i++)
        {
            var owner = _agencies[random.Next(_agencies.Count)].Client;
            var body = Firearm($"{(random.Next(2) == 0 ? "AB" : "AC")}{random.Next(0, 2500):D4}") with
            {
                Make = random.Next(3) == 0 ? "Beretta" : "Glock",
                Model = models[random.Next(models.Length)],
                Type = random.Next(4) == 0 ? "revolver" : "pistol",
                Status = "seized",
                EventDate = $"202{random.Next(6)}-0{1 + random.Next(9)}-1{random.Next(10)}",
                EventPlace = $"Place {random.Next(4)}",
                CaseReference = $"CASE-{random.Next(5)}",
                Visibility = random.Next(5) switch
                {
                    0 => new VisibilityBody("countries", [Countries[random.Next(Countries.Length)]]),
                    1 => new VisibilityBody("countries", ["BE"]),
                    _ => new VisibilityBody("all"),
                },
            };
            ids.Add((await RecordAsync(owner, body), owner, body));
        }

        // Moves (a serial changed: a shape leaves one place, maybe a run, and joins another) and withdrawals.
        foreach (var (id, owner, body) in ids.Where((_, i) => i % 7 == 3))
        {
            var read = await owner.GetAsync($"/api/v1/firearms/{id}");
            await read.ExpectAsync(HttpStatusCode.OK);
            var moved = body with { SerialNumber = $"AB{random.Next(0, 2500):D4}", Visibility = body.Visibility };
            await (await owner.SendJsonAsync(HttpMethod.Put, $"/api/v1/firearms/{id}", moved, ("If-Match", read.Headers.ETag!.ToString())))
                .ExpectAsync(HttpStatusCode.OK);
        }
        // Nudges: a serial moved by a few numbers, so that the record's new shape lies next to its old one (the run upkeep
        // must not read the new shape while it takes the old one out).
        foreach (var (id, owner, body) in ids.Where((_, i) => i % 13 == 6 && i % 7 != 3))
        {
            var read = await owner.GetAsync($"/api/v1/firearms/{id}");
            await read.ExpectAsync(HttpStatusCode.OK);
            var nudged = body with { SerialNumber = $"{body.SerialNumber[..2]}{int.Parse(body.SerialNumber[2..], System.Globalization.CultureInfo.InvariantCulture) + 1 + random.Next(3):D4}" };
            await (await owner.SendJsonAsync(HttpMethod.Put, $"/api/v1/firearms/{id}", nudged, ("If-Match", read.Headers.ETag!.ToString())))
                .ExpectAsync(HttpStatusCode.OK);
        }
        foreach (var (id, owner, _) in ids.Where((_, i) => i % 11 == 5))
        {
            await (await owner.WithdrawAsync($"/api/v1/firearms/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        }
    }

    private async Task<Caller> CallerAsync(string code, string country)
    {
        await using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM agency WHERE code = $code";
        command.Parameters.AddWithValue("$code", code);
        var id = (long)(await command.ExecuteScalarAsync())!;
        return new Caller(id, code, country, 0, new HashSet<string> { "analysis" });
    }

    private static SerialRunsQuery Query(string? make = null, int? maxGap = null, string? type = null, string? since = null, int? limit = null, string? cursor = null) =>
        new(make, maxGap, since, null, type, limit, cursor);

    [Test]
    public async Task RunsFromTheKeptRunsEqualTheFullChainingForEveryAgencyFilterAndPage()
    {
        var service = App.Services.GetRequiredService<AnalysisService>();
        SerialRunsQuery[] queries =
        [
            Query(), Query("Glock"), Query("glock", maxGap: 30), Query("Beretta", maxGap: 0), Query(type: "pistol", since: "2022-01-01"),
            Query("Glock", limit: 1), Query(limit: 2), Query(maxGap: 7, limit: 3),
        ];
        var compared = 0;
        var nonEmpty = 0;
        foreach (var (_, caller) in _agencies)
        {
            foreach (var first in queries)
            {
                // Every page of the query, both ways, until the full chaining has no next page.
                var query = first;
                for (var page = 0; page < 40; page++)
                {
                    var kept = await service.SerialRunsAsync(query, caller, fromKeptRuns: true, CancellationToken.None);
                    var full = await service.SerialRunsAsync(query, caller, fromKeptRuns: false, CancellationToken.None);
                    Assert.That(JsonSerializer.Serialize(kept), Is.EqualTo(JsonSerializer.Serialize(full)), $"{caller.AgencyCode} {query}");
                    compared++;
                    nonEmpty += full.Items.Count > 0 ? 1 : 0;
                    if (full.NextCursor is null)
                    {
                        break;
                    }
                    query = query with { Cursor = full.NextCursor };
                }
            }
        }
        Assert.That(nonEmpty, Is.GreaterThan(compared / 2), "most pages compared hold runs");
    }

    [Test]
    public async Task TheKeptRunsEqualWhatARebuildDerivesAfterRecordsMovedAndWereWithdrawn()
    {
        var kept = Runs();
        await AnalysisIndex.RebuildAsync(App.Services.GetRequiredService<Db>(), CancellationToken.None);
        var rebuilt = Runs();
        Assert.Multiple(() =>
        {
            Assert.That(kept, Has.Count.GreaterThan(10));
            Assert.That(kept, Is.EqualTo(rebuilt));
        });
    }

    private List<string> Runs()
    {
        using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT make_key, skeleton, first_number, first_firearm_id, last_number, last_firearm_id, members, bound FROM firearm_serial_run ORDER BY 1, 2, 3, 4";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }
        return rows;
    }
}
