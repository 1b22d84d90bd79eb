using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Bulk;

/// <summary>
/// The built service as a child process, killed with SIGKILL at points of an import chosen by a fixed seed and
/// started again on the same database each time, against an uninterrupted import of the same file on a fresh one.
/// </summary>
[NonParallelizable]
public class ImportCrashTests
{
    private const int Valid = 5000;
    private const int Seed = 14;

    /// <summary>Small chunks, so that an import of a few thousand rows spans many commits to be killed between (or in).</summary>
    private static readonly Dictionary<string, string> Environment = new() { ["IArms__Imports__ChunkRows"] = "10" };

    private readonly List<ServiceProcess> _services = [];

    [TearDown]
    public void KillEverything()
    {
        foreach (var service in _services)
        {
            service.Dispose();
        }
        _services.Clear();
    }

    [Test]
    public async Task AnImportKilledWithSigkillAtThreePointsAndRestartedEndsWithTheRecordsCountsAndErrorsOfAnUninterruptedImport()
    {
        var file = File();
        var watch = Stopwatch.StartNew();
        var expected = await ImportAsync(file, kills: null);
        var crashed = await ImportAsync(file, kills: new Random(Seed));
        TestContext.Progress.WriteLine(
            $"Crash test: {crashed.KillsMidRun} kills mid-import (at rowsRead {string.Join(", ", crashed.KilledAt)}), {watch.Elapsed.TotalSeconds:F1} s in all.");

        Assert.Multiple(() =>
        {
            // The expected result follows from the file itself; the uninterrupted run must show it too.
            Assert.That(Counts(expected.Job), Is.EqualTo(new long[] { Valid + 6, Valid, 2, 1, 3 }), "uninterrupted: rowsRead, created, updated, unchanged, rejected");
            Assert.That((string?)expected.Job["status"], Is.EqualTo("succeeded"));
            Assert.That((string?)crashed.Job["status"], Is.EqualTo("succeeded"));
            Assert.That(Counts(crashed.Job), Is.EqualTo(Counts(expected.Job)), "rowsRead, created, updated, unchanged, rejected");
            Assert.That(crashed.Errors, Is.EqualTo(expected.Errors));
            Assert.That(crashed.Export, Has.Count.EqualTo(Valid));
            Assert.That(crashed.Export, Is.EqualTo(expected.Export));
            Assert.That(crashed.KillsMidRun, Is.GreaterThanOrEqualTo(2), "the kills must land while the job runs to prove anything");
        });
    }

    private sealed record Outcome(JsonNode Job, List<string> Errors, List<string> Export, int KillsMidRun, List<long> KilledAt);

    /// <summary>
    /// Uploads the file to a fresh service and waits for the job; with <paramref name="kills"/>, kills the process at
    /// three points (once rowsRead passes a threshold, after a short delay, both drawn from it) and starts it again.
    /// </summary>
    private async Task<Outcome> ImportAsync(byte[] file, Random? kills)
    {
        var service = new ServiceProcess(Environment);
        _services.Add(service);
        await service.StartAsync();
        var key = await service.AgencyKeyAsync("DE-BKA", "DE", "record", "search");
        long id;
        using (var client = service.Client(key))
        {
            id = (await Imports.UploadAsync(client, file, "application/x-ndjson")).Id;
        }

        var killsMidRun = 0;
        var killedAt = new List<long>();
        if (kills is not null)
        {
            var thresholds = Enumerable.Range(0, 3).Select(_ => (long)kills.Next(1, Valid * 3 / 4)).Order().ToList();
            foreach (var threshold in thresholds)
            {
                var job = await WaitAsync(service, key, id, j => (string?)j["status"] != "running" && (string?)j["status"] != "queued" || Imports.Count(j, "rowsRead") >= threshold);
                if ((string?)job["status"] != "running")
                {
                    break;
                }
                // A delay of up to a chunk's time, so that some kills land inside a chunk's transaction, not between.
                await Task.Delay(kills.Next(0, 10));
                service.Kill();
                killsMidRun++;
                killedAt.Add(Imports.Count(job, "rowsRead"));
                await service.StartAsync();
            }
        }

        var finished = await WaitAsync(service, key, id, j => (string?)j["status"] is "succeeded" or "failed" or "cancelled");
        using var reader = service.Client(key);
        var errors = (await Imports.ErrorsAsync(reader, id)).Select(e => e!.ToJsonString()).ToList();
        var export = await reader.GetAsync("/api/v1/exports/firearms?format=ndjson");
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        service.Kill();
        return new Outcome(finished, errors, lines, killsMidRun, killedAt);
    }

    /// <summary>Polls the job until <paramref name="done"/> holds, for at most 30 s (a hang fails instead of waiting).</summary>
    private static async Task<JsonNode> WaitAsync(ServiceProcess service, string key, long id, Func<JsonNode, bool> done)
    {
        using var client = service.Client(key);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var job = await (await client.GetAsync($"{Imports.Url}/{id}")).ExpectAsync(HttpStatusCode.OK);
            if (done(job))
            {
                return job;
            }
            await Task.Delay(5);
        }
        Assert.Fail($"Import {id} did not reach the awaited state within 30 s:\n{service.Output}");
        return null!;
    }

    private static long[] Counts(JsonNode job) =>
        new[] { "rowsRead", "created", "updated", "unchanged", "rejected" }.Select(name => Imports.Count(job, name)).ToArray();

    /// <summary>
    /// <see cref="Valid"/> records with three bad rows among them (broken JSON, an unknown status, an impossible date),
    /// one record changed later in the file (the later row wins: updated), and at the end one more change and one
    /// identical repeat (unchanged).
    /// </summary>
    private static byte[] File()
    {
        var records = Enumerable.Range(0, Valid)
            .Select(i => Firearm($"CRS {i:D5} KX") with { ExternalId = $"CRASH-{i:D5}", Make = i % 3 == 0 ? "Beretta" : "Glock" })
            .ToList();
        var lines = records.Select(Imports.Json).ToList();
        lines.Insert(300, "{ broken");
        lines.Insert(900, Imports.Json(Firearm("CRS BAD 01") with { ExternalId = "CRASH-BAD-1", Status = "melted" }));
        lines.Insert(1200, Imports.Json(records[5] with { Status = "lost" }));
        lines.Insert(1500, Imports.Json(Firearm("CRS BAD 02") with { ExternalId = "CRASH-BAD-2", EventDate = "2026-13-45" }));
        lines.Add(Imports.Json(records[10] with { Status = "seized" }));
        lines.Add(Imports.Json(records[20]));
        return Imports.Utf8(string.Join('\n', lines) + "\n");
    }
}
