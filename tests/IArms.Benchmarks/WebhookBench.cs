using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace IArms.Benchmarks;

/// <summary>
/// The webhook benchmark's driver (scripts/bench-webhooks.sh runs it against a service it starts):
/// <c>webhooks latency</c> measures hit-to-receiver latency while searches run, against a baseline of the same searches
/// with no webhook registered; <c>webhooks fill</c> writes a backlog of hits to the outbox of a service whose dispatcher is
/// off; <c>webhooks drain</c> runs the receiver and times the backlog's arrival once the service restarts with it on.
/// </summary>
public static class WebhookBench
{
    private const string AdminKey = "bench-webhooks-admin-key-0000000001";

    public static async Task<int> RunAsync(string[] args)
    {
        string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var api = Arg("--api", "http://127.0.0.1:5170");
        var receiverPort = int.Parse(Arg("--receiver-port", "5171"), System.Globalization.CultureInfo.InvariantCulture);
        var seconds = double.Parse(Arg("--seconds", "20"), System.Globalization.CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Arg("--concurrency", "8"), System.Globalization.CultureInfo.InvariantCulture);
        var count = int.Parse(Arg("--count", "10000"), System.Globalization.CultureInfo.InvariantCulture);
        return args[1] switch
        {
            "latency" => await LatencyAsync(api, receiverPort, seconds, concurrency),
            "fill" => await FillAsync(api, receiverPort, count),
            "drain" => await DrainAsync(receiverPort, count, seconds),
            _ => throw new ArgumentException("webhooks latency|fill|drain"),
        };
    }

    private sealed class Receiver
    {
        public ConcurrentDictionary<string, long> ArrivedBySearch { get; } = new();
        public ConcurrentDictionary<string, byte> Ids { get; } = new();
        public long First = long.MaxValue;
        public long Last;
        public int Count;
    }

    private static async Task<(WebApplication App, Receiver State)> ReceiverAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var state = new Receiver();
        app.MapPost("/hooks", async (HttpContext context) =>
        {
            var now = Stopwatch.GetTimestamp();
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
            if (state.Ids.TryAdd(context.Request.Headers["webhook-id"].ToString(), 0))
            {
                Interlocked.Increment(ref state.Count);
                InterlockedMin(ref state.First, now);
                InterlockedMax(ref state.Last, now);
                if (JsonNode.Parse(body)?["data"]?["searchId"]?.GetValue<string>() is { } searchId)
                {
                    state.ArrivedBySearch.TryAdd(searchId, now);
                }
            }
            return Results.Ok();
        });
        await app.StartAsync();
        return (app, state);
    }

    private static async Task<(HttpClient Owner, HttpClient Searcher, HttpClient Admin)> AgenciesAsync(string api)
    {
        var admin = new HttpClient { BaseAddress = new Uri(api) };
        admin.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        async Task<HttpClient> AgencyAsync(string code, string country, params string[] roles)
        {
            await admin.PostAsJsonAsync("/api/v1/agencies", new { code, name = code, countryCode = country });
            var key = await (await admin.PostAsJsonAsync($"/api/v1/agencies/{code}/api-keys", new { roles, label = "bench" })).Content.ReadFromJsonAsync<JsonNode>();
            var client = new HttpClient { BaseAddress = new Uri(api) };
            client.DefaultRequestHeaders.Add("X-Api-Key", (string)key!["key"]!);
            return client;
        }
        return (await AgencyAsync("FR-NCB", "FR", "record", "search"), await AgencyAsync("DE-BKA", "DE", "search"), admin);
    }

    private static async Task RegisterAsync(HttpClient admin, int receiverPort)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/agencies/FR-NCB/webhooks", new { url = $"http://127.0.0.1:{receiverPort}/hooks", events = new[] { "hit" } });
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Registering the webhook: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Imports <paramref name="count"/> stolen records with serials BENCH000000.. through the import job.</summary>
    private static async Task ImportAsync(HttpClient owner, int count)
    {
        var file = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            file.Append(JsonSerializer.Serialize(new
            {
                externalId = $"BENCH-{i:D7}", serialNumber = Serial(i), make = "Glock", model = "17", calibre = "9x19mm", type = "pistol",
                status = "stolen", eventDate = "2026-10-01", eventCountryCode = "FR", visibility = new { scope = "all" },
            }, JsonSerializerOptions.Web)).Append('\n');
        }
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(file.ToString()));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        var job = await (await owner.PostAsync("/api/v1/imports", content)).Content.ReadFromJsonAsync<JsonNode>();
        var id = (long)job!["id"]!;
        while (true)
        {
            var status = await owner.GetFromJsonAsync<JsonNode>($"/api/v1/imports/{id}");
            if ((string?)status!["status"] is "succeeded" or "failed" or "cancelled")
            {
                Console.WriteLine($"import: {status["status"]}, {status["created"]} created");
                return;
            }
            await Task.Delay(200);
        }
    }

    private static string Serial(int i) => $"BENCH{i:D6}";

    private static async Task<(double Rps, double P50, double P99, Dictionary<string, long> Sent)> SearchLoadAsync(
        HttpClient searcher, int records, double seconds, int concurrency)
    {
        var latencies = new ConcurrentBag<double>();
        var sent = new ConcurrentDictionary<string, long>();
        var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            while (Stopwatch.GetTimestamp() < until)
            {
                var t0 = Stopwatch.GetTimestamp();
                var response = await searcher.PostAsJsonAsync("/api/v1/searches", new { serialNumber = Serial(random.Next(records)), purpose = "seizure" });
                var body = await response.Content.ReadFromJsonAsync<JsonNode>();
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                if (body?["searchId"]?.GetValue<string>() is { } id)
                {
                    sent[id] = t0;
                }
                Interlocked.Increment(ref done);
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var sorted = latencies.Order().ToList();
        return (done / elapsed, Percentile(sorted, 0.50), Percentile(sorted, 0.99), new Dictionary<string, long>(sent));
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<int> LatencyAsync(string api, int receiverPort, double seconds, int concurrency)
    {
        var (app, state) = await ReceiverAsync(receiverPort);
        var (owner, searcher, admin) = await AgenciesAsync(api);
        const int records = 2000;
        await ImportAsync(owner, records);
        await SearchLoadAsync(searcher, records, 3, concurrency); // warm-up, no webhook yet
        var baseline = await SearchLoadAsync(searcher, records, seconds, concurrency);
        Console.WriteLine($"baseline (no webhook): {baseline.Rps:F0} searches/s, p50 {baseline.P50:F1} ms, p99 {baseline.P99:F1} ms");
        await RegisterAsync(admin, receiverPort);
        var loaded = await SearchLoadAsync(searcher, records, seconds, concurrency);
        Console.WriteLine($"with webhook: {loaded.Rps:F0} searches/s, p50 {loaded.P50:F1} ms, p99 {loaded.P99:F1} ms");
        var deadline = Stopwatch.GetTimestamp() + 30 * Stopwatch.Frequency;
        while (loaded.Sent.Keys.Any(k => !state.ArrivedBySearch.ContainsKey(k)) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(100);
        }
        var hitLatencies = loaded.Sent.Where(s => state.ArrivedBySearch.ContainsKey(s.Key))
            .Select(s => Stopwatch.GetElapsedTime(s.Value, state.ArrivedBySearch[s.Key]).TotalMilliseconds).Order().ToList();
        Console.WriteLine($"hit-to-receiver (search sent -> delivery received): {hitLatencies.Count} of {loaded.Sent.Count} hits delivered, " +
                          $"p50 {Percentile(hitLatencies, 0.50):F1} ms, p99 {Percentile(hitLatencies, 0.99):F1} ms, max {hitLatencies.LastOrDefault():F1} ms");
        Console.WriteLine($"search throughput with webhook / baseline: {loaded.Rps / baseline.Rps:F2}");
        await app.StopAsync();
        return hitLatencies.Count == loaded.Sent.Count ? 0 : 1;
    }

    private static async Task<int> FillAsync(string api, int receiverPort, int count)
    {
        var (owner, searcher, admin) = await AgenciesAsync(api);
        await RegisterAsync(admin, receiverPort);
        await ImportAsync(owner, count);
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < count; start += 1000)
        {
            var items = Enumerable.Range(start, Math.Min(1000, count - start)).Select(i => new { @ref = i.ToString(System.Globalization.CultureInfo.InvariantCulture), serialNumber = Serial(i) });
            var response = await searcher.PostAsJsonAsync("/api/v1/searches/batch", new { purpose = "seizure", items });
            response.EnsureSuccessStatusCode();
        }
        Console.WriteLine($"fill: {count} searches hitting {count} records in {watch.Elapsed.TotalSeconds:F1} s; their deliveries wait in the outbox");
        return 0;
    }

    private static async Task<int> DrainAsync(int receiverPort, int count, double timeoutSeconds)
    {
        var (app, state) = await ReceiverAsync(receiverPort);
        Console.WriteLine("drain: receiver up; waiting for the service");
        var deadline = Stopwatch.GetTimestamp() + (long)(timeoutSeconds * Stopwatch.Frequency);
        while (state.Count < count && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }
        var span = Stopwatch.GetElapsedTime(state.First, state.Last).TotalSeconds;
        Console.WriteLine($"drain: {state.Count} of {count} distinct deliveries in {span:F2} s from the first to the last: {state.Count / span:F0} deliveries/s");
        await app.StopAsync();
        return state.Count >= count ? 0 : 1;
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long current;
        while (value < (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
