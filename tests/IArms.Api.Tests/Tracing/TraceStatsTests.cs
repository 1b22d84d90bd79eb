using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Tracing;

/// <summary>Statistics over every request of a database of its own, so the counts are exact.</summary>
public class TraceStatsTests : ApiFixture
{
    [Test]
    public async Task StatsShowPerAddresseeCountryWhatWasReceivedAnsweredHowFastAndWhatIsOverdue()
    {
        using var requester = await App.AgencyAsync("FR-OCLCO", "FR", "record", "trace", "search");
        using var kyiv = await App.AgencyAsync("UA-NCB", "UA", "trace");
        using var lviv = await App.AgencyAsync("UA-LVIV", "UA", "trace");
        using var berlin = await App.AgencyAsync("DE-BKA", "DE", "trace");
        var firearmId = await RecordAsync(requester);

        async Task<long> AskAsync(string to, string priority) =>
            (long)(await (await requester.PostJsonAsync("/api/v1/trace-requests", new { firearmId, toAgency = to, priority, message = "" }))
                .ExpectAsync(HttpStatusCode.Created))["id"]!;
        static async Task AnswerAsync(HttpClient client, long id) =>
            await (await client.PostJsonAsync($"/api/v1/trace-requests/{id}/response", new { outcome = "not-traced", reasonCode = "no-record" }))
                .ExpectAsync(HttpStatusCode.OK);

        var fast = await AskAsync("UA-NCB", "routine");
        var slow = await AskAsync("UA-LVIV", "routine");
        await AskAsync("UA-NCB", "routine");
        await AskAsync("DE-BKA", "urgent");
        App.Clock.Advance(TimeSpan.FromDays(2));
        await AnswerAsync(kyiv, fast);
        App.Clock.Advance(TimeSpan.FromDays(4));
        await AnswerAsync(lviv, slow);

        var stats = (await (await requester.GetAsync("/api/v1/trace-requests/stats")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();

        Assert.That(stats.Select(s => (string?)s!["countryCode"]), Is.EqualTo(new[] { "DE", "UA" }));
        var de = stats[0]!;
        var ua = stats[1]!;
        Assert.Multiple(() =>
        {
            Assert.That((int)ua["requestsReceived"]!, Is.EqualTo(3));
            Assert.That((int)ua["answered"]!, Is.EqualTo(2));
            Assert.That((double?)ua["medianDaysToAnswer"], Is.EqualTo(4.0));
            Assert.That((int)ua["overdueNow"]!, Is.Zero);
            Assert.That((int)de["requestsReceived"]!, Is.EqualTo(1));
            Assert.That((int)de["answered"]!, Is.Zero);
            Assert.That(de["medianDaysToAnswer"], Is.Null);
            Assert.That((int)de["overdueNow"]!, Is.EqualTo(1));
        });
    }
}
