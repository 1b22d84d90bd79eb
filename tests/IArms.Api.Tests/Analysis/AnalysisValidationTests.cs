using System.Net;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Api.Tests.Analysis;

/// <summary>The analysis routes' roles and query-string validation.</summary>
public class AnalysisValidationTests : ApiFixture
{
    private const string Base = PlantedScenarios.Base;

    private static readonly string[] Routes =
    [
        "/routes", "/diversion-sources", "/parties", "/parties/p0000000000000001/network", "/network.graphml?party=p0000000000000001",
        "/serial-runs", "/trends?metric=thefts",
    ];

    private HttpClient _analyst = null!;
    private HttpClient _searcher = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _analyst = await App.AgencyAsync("NL-NP", "NL", "analysis");
        _searcher = await App.AgencyAsync("BE-FP", "BE", "search", "record", "trace", "audit");
    }

    [TestCase("/diversion-sources?groupBy=owner", "groupBy")]
    [TestCase("/routes?since=2024-13-01", "since")]
    [TestCase("/routes?until=yesterday", "until")]
    [TestCase("/diversion-sources?since=2024-05-01&until=2024-01-01", "until")]
    [TestCase("/routes?fromCountry=fr", "fromCountry")]
    [TestCase("/routes?toCountry=XX1", "toCountry")]
    [TestCase("/routes?reason=robbery", "reason")]
    [TestCase("/routes?type=bazooka", "type")]
    [TestCase("/diversion-sources?limit=0", "limit")]
    [TestCase("/parties?minFirearms=0", "minFirearms")]
    [TestCase("/parties?role=owner", "role")]
    [TestCase("/parties/p0000000000000001/network?depth=0", "depth")]
    [TestCase("/parties/p0000000000000001/network?depth=5", "depth")]
    [TestCase("/network.graphml", "party")]
    [TestCase("/network.graphml?party=p1&depth=9", "depth")]
    [TestCase("/serial-runs?maxGap=-1", "maxGap")]
    [TestCase("/serial-runs?maxGap=100001", "maxGap")]
    [TestCase("/serial-runs?limit=500", "limit")]
    [TestCase("/serial-runs?cursor=not-a-cursor", "cursor")]
    [TestCase("/trends", "metric")]
    [TestCase("/trends?metric=arrests", "metric")]
    [TestCase("/trends?metric=thefts&by=week", "by")]
    [TestCase("/trends?metric=thefts&since=2025-02-30", "since")]
    public async Task AnInvalidQueryIsAValidationProblemNamingTheField(string query, string field)
    {
        var messages = await (await _analyst.GetAsync(Base + query)).ExpectFieldErrorAsync(field);
        Assert.That(messages, Has.Length.EqualTo(1));
        Assert.That(messages[0], Does.Contain($"'{field}'"));
    }

    [Test]
    public async Task AnalysisNeedsTheAnalysisOrAdminRole()
    {
        using var anonymous = App.ClientWithKey(null);
        using var admin = App.Admin();
        foreach (var route in Routes)
        {
            await (await _searcher.GetAsync(Base + route)).ExpectProblemAsync(HttpStatusCode.Forbidden);
            await (await anonymous.GetAsync(Base + route)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        }
        await (await admin.GetAsync(Base + "/routes")).ExpectAsync(HttpStatusCode.OK);
        await (await _analyst.GetAsync(Base + "/routes")).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task AnEmptyDatabaseAnswersEmptyAnalyses()
    {
        var routes = await PlantedScenarios.GetAsync(_analyst, "/routes");
        var trends = await PlantedScenarios.GetAsync(_analyst, "/trends?metric=seizures&by=year&since=2024-01-01&until=2025-12-31");
        var runs = await PlantedScenarios.GetAsync(_analyst, "/serial-runs");
        Assert.Multiple(() =>
        {
            Assert.That(routes["items"]!.AsArray(), Is.Empty);
            Assert.That(trends["items"]!.AsArray().Select(p => ((string?)p!["period"], (long)p["count"]!)), Is.EqualTo(new[] { ("2024", 0L), ("2025", 0L) }));
            Assert.That(runs["items"]!.AsArray(), Is.Empty);
            Assert.That(runs["nextCursor"], Is.Null);
        });
    }
}
