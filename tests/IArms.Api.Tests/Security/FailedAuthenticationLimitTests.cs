using System.Net;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Api.Tests.Security;

/// <summary>Issue 11: after 20 failed authentications a minute from one address, 429 with Retry-After.</summary>
public class FailedAuthenticationLimitTests : ApiFixture
{
    private string _validKey = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        using var admin = App.Admin();
        await (await admin.PostJsonAsync("/api/v1/agencies", new { code = "FR-NCB", name = "Agency FR-NCB", countryCode = "FR" })).ExpectAsync(HttpStatusCode.Created);
        _validKey = (string)(await (await admin.PostJsonAsync("/api/v1/agencies/FR-NCB/api-keys", new { roles = new[] { "search" }, label = "limit" }))
            .ExpectAsync(HttpStatusCode.Created))["key"]!;
    }

    private async Task<HttpResponseMessage> GetAsync(string address, string? key)
    {
        using var client = App.ClientWithKey(null);
        var headers = new List<(string, string)> { (IArmsApplication.RemoteAddressHeader, address) };
        if (key is not null)
        {
            headers.Add(("X-Api-Key", key));
        }
        return await client.SendJsonAsync(HttpMethod.Get, "/api/v1/firearms", null, [.. headers]);
    }

    private async Task FailAsync(string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            await (await GetAsync(address, $"iak_wrong-guess-{i}")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Test]
    public async Task TheTwentyFirstFailureInAMinuteAnswersTooManyRequestsWithRetryAfter()
    {
        await FailAsync("10.0.0.1", 20);

        var limited = await GetAsync("10.0.0.1", "iak_wrong-guess-21");

        var problem = await limited.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.That((string?)problem["title"], Is.Not.Empty);
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task WhileLimitedEvenAValidKeyFromThatAddressWaitsButOtherAddressesDoNot()
    {
        await FailAsync("10.0.0.2", 20);

        await (await GetAsync("10.0.0.2", _validKey)).ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        await (await GetAsync("10.0.0.3", _validKey)).ExpectAsync(HttpStatusCode.OK);
        await (await GetAsync("10.0.0.3", "iak_wrong")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task SuccessfulAuthenticationsAreNotCounted()
    {
        for (var i = 0; i < 40; i++)
        {
            await (await GetAsync("10.0.0.4", _validKey)).ExpectAsync(HttpStatusCode.OK);
        }
        await FailAsync("10.0.0.4", 20);
    }

    [Test]
    public async Task RequestsWithoutAKeyAreNotCounted()
    {
        for (var i = 0; i < 30; i++)
        {
            await (await GetAsync("10.0.0.5", null)).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        }
        await (await GetAsync("10.0.0.5", _validKey)).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task TheWindowSlides()
    {
        await FailAsync("10.0.0.6", 10);
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        await FailAsync("10.0.0.6", 10);
        await (await GetAsync("10.0.0.6", _validKey)).ExpectProblemAsync(HttpStatusCode.TooManyRequests);

        App.Clock.Advance(TimeSpan.FromSeconds(31));

        // The first ten have left the window; the last ten are still in it.
        await (await GetAsync("10.0.0.6", _validKey)).ExpectAsync(HttpStatusCode.OK);
        var retry = await GetAsync("10.0.0.6", "iak_wrong");
        await retry.ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await FailAsync("10.0.0.6", 9);
        var limited = await GetAsync("10.0.0.6", _validKey);
        await limited.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(29)), "the oldest failure in the window was 29 seconds from leaving it");
    }
}

/// <summary>The limit is configuration, and callers without a remote address (in-process hosts) are limited together.</summary>
public class ConfiguredFailedAuthenticationLimitTests : ApiFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Authentication:FailedAttemptLimit"] = "3",
        ["Authentication:WindowSeconds"] = "10",
    };

    [Test]
    public async Task TheConfiguredLimitAppliesToCallersWithoutARemoteAddress()
    {
        using var client = App.ClientWithKey("iak_wrong");
        for (var i = 0; i < 3; i++)
        {
            await (await client.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        }

        var limited = await client.GetAsync("/api/v1/agencies");

        await limited.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(10)));
        using var admin = App.Admin();
        await (await admin.GetAsync("/api/v1/agencies")).ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        App.Clock.Advance(TimeSpan.FromSeconds(10));
        await (await admin.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
    }
}
