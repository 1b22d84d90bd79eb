using System.Net;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Firearms;

/// <summary>
/// <c>updatedSince</c> is answered in one of two ways (from the change index when few records changed, in id
/// order otherwise); whichever the service picks, the pages must be the same.
/// </summary>
public class ChangedRecordsPlanTests : ApiFixture
{
    private long _agencyId;

    [OneTimeSetUp]
    public async Task CreateRecordsChangedOverTime()
    {
        var owner = await App.AgencyAsync("NL-KLPD", "NL", "record");
        var start = App.Clock.Now;
        for (var i = 0; i < 30; i++)
        {
            App.Clock.Now = start.AddMinutes(i % 2 == 0 ? i : 60 - i); // ids and change times in different orders
            var body = Firearm($"CHG{i:D4}X") with { Status = i % 3 == 0 ? "lost" : "stolen" };
            await (await owner.PostJsonAsync("/api/v1/firearms", body)).ExpectAsync(HttpStatusCode.Created);
        }
        App.Clock.Now = start;
        await using var session = await App.Services.GetRequiredService<Db>().PrimaryAsync(CancellationToken.None);
        _agencyId = (await AgencyQueries.FindIdAsync(session, "NL-KLPD"))!.Value;
    }

    [TestCase(0, null)]
    [TestCase(15, null)]
    [TestCase(45, null)]
    [TestCase(15, "lost")]
    public async Task BothWaysGiveTheSamePages(int minutes, string? status)
    {
        var filters = FirearmQueries.ListFilters.UpdatedSince | (status is null ? 0 : FirearmQueries.ListFilters.Status);
        var since = App.Clock.Now.AddMinutes(minutes);

        var byId = await PagesAsync(filters, since, status);
        var fromIndex = await PagesAsync(filters | FirearmQueries.ListFilters.FromUpdatedIndex, since, status);

        Assert.That(byId, Is.Not.Empty);
        Assert.That(fromIndex, Is.EqualTo(byId));
    }

    /// <summary>Every id, page by page (pages of 4), as the cursor walks them.</summary>
    private async Task<List<long>> PagesAsync(FirearmQueries.ListFilters filters, DateTimeOffset since, string? status)
    {
        await using var session = await App.Services.GetRequiredService<Db>().PrimaryAsync(CancellationToken.None);
        var ids = new List<long>();
        var afterId = 0L;
        while (true)
        {
            var page = (await session.QueryAsync<FirearmRow>(FirearmQueries.SelectPage(filters), new
            {
                afterId, status, type = (string?)null, countryCode = (string?)null, make = (string?)null, canonicalMake = (string?)null,
                updatedSince = since.ToUniversalTime(), take = 4, callerAgencyId = _agencyId, callerCountry = "NL",
            })).Select(r => r.Id).ToList();
            if (page.Count == 0)
            {
                return ids;
            }
            ids.AddRange(page);
            afterId = page[^1];
        }
    }
}
