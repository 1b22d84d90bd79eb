using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Data;

/// <summary>
/// The built service as a child process under mixed load (creates and searches at once, through the batching
/// writer), killed with SIGKILL mid-load: every create it acknowledged and every search it answered, with its audit
/// entry, must be in the database afterwards, and the service must start again on it.
/// </summary>
[NonParallelizable]
public class MixedLoadCrashTests
{
    private const int Writers = 4;
    private const int Searchers = 4;

    private ServiceProcess? _service;

    [TearDown]
    public void Kill() => _service?.Dispose();

    [Test]
    public async Task AfterSigkillUnderMixedLoadEveryAcknowledgedCreateAndEveryAnsweredSearchsAuditEntryIsStored()
    {
        _service = new ServiceProcess(new Dictionary<string, string>());
        await _service.StartAsync();
        var key = await _service.AgencyKeyAsync("FR-NCB", "FR", "record", "search");
        using (var seed = _service.Client(key))
        {
            await (await seed.PostJsonAsync("/api/v1/firearms", Firearm("CRASH-0001"))).ExpectAsync(HttpStatusCode.Created);
        }

        var created = new ConcurrentDictionary<long, string>();
        var searches = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Writers).Select(_ => Task.Run(() => CreateLoopAsync(key, created, stop.Token)))
            .Concat(Enumerable.Range(0, Searchers).Select(_ => Task.Run(() => SearchLoopAsync(key, searches, stop.Token))))
            .ToArray();

        // Kill once enough has been acknowledged to prove something (or after 10 s), while the loops still run.
        var watch = Stopwatch.StartNew();
        while ((created.Count < 30 || searches.Count < 30) && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        _service.Kill();
        await stop.CancelAsync();
        await Task.WhenAll(load);
        TestContext.Progress.WriteLine($"Mixed crash test: killed after {watch.Elapsed.TotalSeconds:F1} s, {created.Count} creates and {searches.Count} searches acknowledged.");

        long[] storedIds;
        string[] auditedSearches;
        await using (var file = new SqliteConnection($"Data Source={Path.Combine(_service.Folder, "iarms.db")};Pooling=False"))
        {
            await file.OpenAsync();
            storedIds = (await file.QueryAsync<long>("SELECT id FROM firearm WHERE withdrawn_at IS NULL")).ToArray();
            auditedSearches = (await file.QueryAsync<string>("SELECT search_id FROM audit_entry WHERE search_id IS NOT NULL")).ToArray();
        }

        Assert.Multiple(() =>
        {
            Assert.That(created, Is.Not.Empty, "some creates must be acknowledged before the kill to prove anything");
            Assert.That(searches, Is.Not.Empty, "some searches must be answered before the kill to prove anything");
            Assert.That(created.Keys.Except(storedIds), Is.Empty, "every acknowledged create is stored");
            Assert.That(searches.Except(auditedSearches), Is.Empty, "every answered search has its audit entry");
        });

        // And the service starts again on the file, serving what it acknowledged.
        await _service.StartAsync();
        using var client = _service.Client(key);
        var (id, externalId) = created.First();
        var read = await (await client.GetAsync($"/api/v1/firearms/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)read["externalId"], Is.EqualTo(externalId));
    }

    private async Task CreateLoopAsync(string key, ConcurrentDictionary<long, string> created, CancellationToken stop)
    {
        using var client = _service!.Client(key);
        while (!stop.IsCancellationRequested)
        {
            var record = Firearm($"CR {Random.Shared.Next(100_000, 999_999)}");
            try
            {
                using var response = await client.PostJsonAsync("/api/v1/firearms", record);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    created[(long)body["id"]!] = record.ExternalId;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                // The kill: a request in flight has no answer, so nothing about it is claimed.
                return;
            }
        }
    }

    private async Task SearchLoopAsync(string key, ConcurrentBag<string> searches, CancellationToken stop)
    {
        using var client = _service!.Client(key);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.PostJsonAsync("/api/v1/searches", new { serialNumber = "CRASH-0001", purpose = "seizure" });
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                    searches.Add((string)body["searchId"]!);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                return;
            }
        }
    }
}
