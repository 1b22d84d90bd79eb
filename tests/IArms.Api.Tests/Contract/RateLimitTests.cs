using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Contract;

/// <summary>Issue 15: per-key budgets for searches, writes and the rest, with 429 + Retry-After beyond them and RateLimit headers.</summary>
public class RateLimitTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["IArms:RateLimits:Searches:PermitLimit"] = "5",
        ["IArms:RateLimits:Searches:WindowSeconds"] = "600",
        ["IArms:RateLimits:Writes:PermitLimit"] = "20",
        ["IArms:RateLimits:Writes:WindowSeconds"] = "600",
        ["IArms:RateLimits:Reads:PermitLimit"] = "20",
        ["IArms:RateLimits:Reads:WindowSeconds"] = "600",
    };

    private static int _agencies;

    private Task<HttpClient> NewKeyAsync(params string[] roles) =>
        App.AgencyAsync($"RL-{Interlocked.Increment(ref _agencies):D2}", "FR", roles);

    private static int Header(HttpResponseMessage response, string name) =>
        int.Parse(response.Headers.GetValues(name).Single(), System.Globalization.CultureInfo.InvariantCulture);

    private static Task<HttpResponseMessage> SearchAsync(HttpClient client) =>
        client.PostJsonAsync("/api/v1/searches", new { serialNumber = "RL 0001", purpose = "investigation" });

    [Test]
    public async Task SearchesBeyondTheBudgetAre429WithRetryAfterAndTheHeadersCountDown()
    {
        using var client = await NewKeyAsync("search", "audit");
        var remaining = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            var response = await SearchAsync(client);
            await response.ExpectAsync(HttpStatusCode.OK);
            Assert.That(Header(response, "RateLimit-Limit"), Is.EqualTo(5));
            Assert.That(Header(response, "RateLimit-Reset"), Is.InRange(1, 600));
            remaining.Add(Header(response, "RateLimit-Remaining"));
        }
        Assert.That(remaining, Is.EqualTo(new[] { 4, 3, 2, 1, 0 }));

        var refused = await SearchAsync(client);
        var problem = await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.That((string?)problem["detail"], Does.Contain("searches budget"));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.Not.Null.And.GreaterThan(TimeSpan.Zero));
        Assert.That(Header(refused, "RateLimit-Remaining"), Is.EqualTo(0));

        // The refusal is audited as such.
        var audit = await (await client.GetAsync("/api/v1/audit?action=search&limit=20")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(audit["items"]!.AsArray().Select(e => ((string?)e!["outcome"], (int?)e["statusCode"])), Does.Contain(("rate-limited", 429)));
    }

    [Test]
    public async Task SeparateBudgetsDoNotInterfere()
    {
        using var client = await NewKeyAsync("search", "record");
        for (var i = 0; i < 5; i++)
        {
            await (await SearchAsync(client)).ExpectAsync(HttpStatusCode.OK);
        }
        await (await SearchAsync(client)).ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        var write = await client.PostJsonAsync("/api/v1/firearms", Firearm("RL-2001"));
        await write.ExpectAsync(HttpStatusCode.Created);
        Assert.That(Header(write, "RateLimit-Limit"), Is.EqualTo(20));
        Assert.That(Header(write, "RateLimit-Remaining"), Is.EqualTo(19));
        var read = await client.GetAsync("/api/v1/firearms?limit=1");
        await read.ExpectAsync(HttpStatusCode.OK);
        Assert.That(Header(read, "RateLimit-Remaining"), Is.EqualTo(19));

        for (var i = 0; i < 19; i++)
        {
            await (await client.GetAsync("/api/v1/alerts?limit=1")).ExpectAsync(HttpStatusCode.OK);
        }
        await (await client.GetAsync("/api/v1/alerts?limit=1")).ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        await (await client.PostJsonAsync("/api/v1/firearms", Firearm("RL-2002"))).ExpectAsync(HttpStatusCode.Created);
    }

    [Test]
    public async Task RefusalsBeforeTheRouteCarryTheHeadersToo()
    {
        using var client = await NewKeyAsync("search");
        var unreadable = await client.PostRawAsync("/api/v1/searches", """{"SerialNumber":"RL 3001","purpose":"seizure"}""");
        await unreadable.ExpectFieldErrorAsync("SerialNumber");
        Assert.That(Header(unreadable, "RateLimit-Remaining"), Is.EqualTo(4), "An unreadable body costs a search too.");

        var forbidden = await client.PostJsonAsync("/api/v1/firearms", Firearm("RL-3002"));
        await forbidden.ExpectProblemAsync(HttpStatusCode.Forbidden);
        Assert.That(Header(forbidden, "RateLimit-Limit"), Is.EqualTo(20));

        using var anonymous = App.ClientWithKey(null);
        var unauthenticated = await anonymous.GetAsync("/api/v1/agencies");
        await unauthenticated.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(Header(unauthenticated, "RateLimit-Limit"), Is.EqualTo(20), "Calls without a key are counted by address.");
    }

    [Test]
    public async Task ABatchLargerThanTheWholeBudgetTakesTheWholeWindowInsteadOfNeverRunning()
    {
        using var client = await NewKeyAsync("search");
        var items = Enumerable.Range(1, 8).Select(i => new { @ref = $"r{i}", serialNumber = $"RL 40{i}" }).ToArray();

        var response = await client.PostJsonAsync("/api/v1/searches/batch", new { purpose = "seizure", items });
        Assert.That((await response.ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray(), Has.Count.EqualTo(8));
        Assert.That(Header(response, "RateLimit-Remaining"), Is.EqualTo(0));
        await (await SearchAsync(client)).ExpectProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Test]
    public async Task TwoKeysDoNotShareABudget()
    {
        using var first = await NewKeyAsync("search");
        using var second = await NewKeyAsync("search");
        for (var i = 0; i < 5; i++)
        {
            await (await SearchAsync(first)).ExpectAsync(HttpStatusCode.OK);
        }
        await (await SearchAsync(first)).ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        var other = await SearchAsync(second);
        await other.ExpectAsync(HttpStatusCode.OK);
        Assert.That(Header(other, "RateLimit-Remaining"), Is.EqualTo(4));
    }

    [Test]
    public async Task ABatchSearchCostsOnePermitPerItem()
    {
        using var client = await NewKeyAsync("search");
        var batch = new { purpose = "seizure", items = new[] { new { @ref = "a", serialNumber = "RL 1" }, new { @ref = "b", serialNumber = "RL 2" }, new { @ref = "c", serialNumber = "RL 3" } } };

        var response = await client.PostJsonAsync("/api/v1/searches/batch", batch);
        await response.ExpectAsync(HttpStatusCode.OK);
        Assert.That(Header(response, "RateLimit-Remaining"), Is.EqualTo(2));

        var refused = await client.PostJsonAsync("/api/v1/searches/batch", batch);
        var problem = await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.That((string?)problem["detail"], Does.Contain("costs 3"));
        await (await SearchAsync(client)).ExpectAsync(HttpStatusCode.OK);
    }
}
