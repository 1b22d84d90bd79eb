using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Operations;

/// <summary>Traces (through the in-memory exporter) and the Prometheus scrape at <c>/metrics</c>.</summary>
public partial class TelemetryTests
{
    private readonly List<Activity> _spans = [];
    private IArmsApplication _app = null!;
    private HttpClient _owner = null!;
    private HttpClient _searcher = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new IArmsApplication
        {
            Settings = new Dictionary<string, string?> { [Api.Operations.OperationsServices.TracesSetting] = "true" },
            TestServices = services =>
            {
                services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans));
                // Every scrape reads the instruments afresh: the test compares scrapes taken moments apart.
                services.Configure<PrometheusAspNetCoreOptions>(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            },
        };
        _owner = await _app.AgencyAsync("FR-NCB", "FR", "search", "record", "trace");
        _searcher = await _app.AgencyAsync("DE-BKA", "DE", "search", "admin");
    }

    [OneTimeTearDown]
    public void Stop() => _app.Dispose();

    private List<Activity> SpansOf(ActivityTraceId trace)
    {
        lock (_spans)
        {
            return _spans.Where(s => s.TraceId == trace).ToList();
        }
    }

    [Test]
    public async Task ASearchProducesATraceWhoseSpansNameTheTiersItRanAndItsStatementsButNoSerial()
    {
        await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("TRC 4000 AA"))).ExpectAsync(HttpStatusCode.Created);
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/searches")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { serialNumber = "TRC4000AB", purpose = "seizure" }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        var answer = await (await _searcher.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)answer["results"]![0]!["match"], Is.EqualTo("fuzzy"));

        var spans = SpansOf(trace);
        var names = spans.Select(s => s.DisplayName).ToList();
        // Nothing exact: the one-edit tier ran after the exact one, and found the record, so no later tier ran.
        Assert.That(names, Does.Contain("search.tier exact").And.Contain("search.tier fuzzy-1"));
        Assert.That(names, Does.Not.Contain("search.tier prefix"));
        Assert.That(names, Does.Contain("SearchQueries.ByCanonical"), "statements are named after their Queries field");
        Assert.That(names, Does.Contain("audit.write"), "the request's wait for its audit commit is in its trace");
        var tiers = spans.Where(s => s.DisplayName.StartsWith("search.tier", StringComparison.Ordinal)).Select(s => (string?)s.GetTagItem("iarms.search.tier"));
        Assert.That(tiers, Is.SupersetOf(new[] { "exact", "fuzzy-1" }));
        var everything = string.Join("\n", spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")).Concat(names));
        Assert.That(everything, Does.Not.Contain("TRC4000").And.Not.Contain("TRC 4000"), "no serial in any span");
    }

    [Test]
    public async Task MetricsAreServedToTheCentralAdministratorOnlyAndAreNotInTheOpenApiDocument()
    {
        using var admin = _app.Admin();
        var scrape = await admin.GetAsync("/metrics");
        Assert.That(scrape.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(scrape.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));

        // An agency's own admin key is not the central administrator's.
        Assert.That((await _searcher.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var anonymous = _app.CreateClient();
        Assert.That((await anonymous.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).Content.ReadAsStringAsync();
        Assert.That(document, Does.Not.Contain("\"/metrics\""));
    }

    [Test]
    public async Task ASearchAnAlertAndAnAuditCommitEachMoveTheMetricThatCountsThem()
    {
        await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("MET 5000 AA") with { Status = "stolen" })).ExpectAsync(HttpStatusCode.Created);
        var before = await ScrapeAsync();

        await (await _searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "MET5000AA", purpose = "seizure" })).ExpectAsync(HttpStatusCode.OK);
        var after = await ScrapeAsync();

        const string searches = "iarms_searches_total{best_match=\"normalized\",kind=\"serial\"}";
        const string hits = "iarms_alerts_total{kind=\"hit\"}";
        const string commits = "iarms_audit_commit_duration_seconds_count";
        const string batches = "iarms_audit_batch_size_count";
        Assert.Multiple(() =>
        {
            Assert.That(Value(after, searches), Is.GreaterThan(Value(before, searches)), "a search");
            Assert.That(Value(after, hits), Is.GreaterThan(Value(before, hits)), "the owner's alert about the search");
            Assert.That(Value(after, commits), Is.GreaterThan(Value(before, commits)), "the search's audit commit");
            Assert.That(Value(after, batches), Is.GreaterThan(Value(before, batches)), "the batch it went in");
            Assert.That(after, Does.Contain("http_server_request_duration_seconds_bucket{"), "the built-in request duration");
            Assert.That(after, Does.Contain("http_route=\"/api/v1/searches/\""), "per route");
        });
    }

    [Test]
    public async Task OpenAndOverdueTraceRequestsAreGaugedPerAddresseeCountry()
    {
        var id = (long)(await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm("GAU 6000 AA"))).ExpectAsync(HttpStatusCode.Created))["id"]!;
        await (await _owner.PostJsonAsync("/api/v1/trace-requests", new { firearmId = id, toAgency = "DE-BKA" })).ExpectAsync(HttpStatusCode.Created);
        await _app.Services.GetRequiredService<Api.Operations.TraceRequestSnapshot>().RefreshAsync(CancellationToken.None);

        var scrape = await ScrapeAsync();
        Assert.That(Value(scrape, "iarms_trace_requests_open{country=\"DE\"}"), Is.GreaterThanOrEqualTo(1));
        Assert.That(Value(scrape, "iarms_trace_requests_overdue{country=\"DE\"}"), Is.Zero);
    }

    [Test]
    public async Task TheMetricsPassPromtoolsCheck()
    {
        await (await _searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "PROM7000", purpose = "seizure" })).ExpectAsync(HttpStatusCode.OK);
        var scrape = await ScrapeAsync();
        var promtool = Promtool.Find();
        if (promtool is null)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail("promtool is missing in CI: .ci/run installs it (Debian package prometheus).");
            }
            Assert.Ignore("promtool is not installed here (apt-get install prometheus); CI runs this check.");
        }
        var (exit, output) = await Promtool.CheckMetricsAsync(promtool!, scrape);
        Assert.That(exit, Is.Zero, output);
    }

    private async Task<string> ScrapeAsync()
    {
        using var admin = _app.Admin();
        var response = await admin.GetAsync("/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The sum of the values of the series of a scrape that carry the labels given (0 when none does).</summary>
    private static double Value(string scrape, string sample)
    {
        // Labels the exporter adds (otel_scope_name) and their order do not matter: only those named must match.
        var name = sample.Split('{')[0];
        var labels = sample.Contains('{') ? sample[(sample.IndexOf('{') + 1)..^1].Split(',') : [];
        var total = 0.0;
        foreach (var line in scrape.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)))
        {
            var series = line[..line.LastIndexOf(' ')];
            if (labels.All(l => series.Contains(l, StringComparison.Ordinal)) && SampleValue().Match(line) is { Success: true } m)
            {
                total += double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    [GeneratedRegex(@" ([0-9.eE+-]+)( [0-9]+)?$")]
    private static partial Regex SampleValue();
}

/// <summary>Prometheus' own checker of the text exposition format.</summary>
internal static class Promtool
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);

    public static async Task<(int Exit, string Output)> CheckMetricsAsync(string promtool, string metrics)
    {
        var start = new ProcessStartInfo(promtool, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(metrics);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}

/// <summary>With <c>Metrics:Port</c>, the scrape is served on that port alone, to a scraper without a key.</summary>
public class MetricsPortTests
{
    [Test]
    public async Task WithAMetricsPortTheScrapeIsServedThereWithoutAKeyAndNotOnTheApiPort()
    {
        using var app = new IArmsApplication { Settings = new Dictionary<string, string?> { ["Metrics:Port"] = "9464" } };
        using var client = app.CreateClient();
        var scrape = await client.GetAsync("http://localhost:9464/metrics");
        Assert.That(scrape.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await scrape.Content.ReadAsStringAsync(), Does.Contain("# TYPE "));

        using var admin = app.Admin();
        Assert.That((await admin.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "not on the API's port, not even for HQ");
    }
}
