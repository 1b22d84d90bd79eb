using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Analysis.PlantedScenarios;
using static IArms.Api.Tests.Infrastructure.Records;
using static IArms.Api.Tests.Tracing.Chains;

namespace IArms.Api.Tests.Analysis;

/// <summary>A retracted custody event stays in the chain but leaves the analysis at once (issue 11 with issue 13).</summary>
public class AnalysisRetractionTests : ApiFixture
{
    [Test]
    public async Task RetractingTheTheftTakesTheFirearmOutOfTheTheftsDiversionSources()
    {
        var fr = await App.AgencyAsync("FR-PN", "FR", "record", "trace", "search", "analysis");
        var id = await RecordAsync(fr, Firearm("RTX 100-200") with { YearOfManufacture = 2015, Status = "seized" });
        var maker = P("Manufacture Rtx", "manufacturer", "FR");
        var dealer = P("Armurerie Rtx", "dealer", "FR");
        await AddAsync(fr, id, Ev("manufactured", "2015-03-01", to: maker, country: "FR"));
        await AddAsync(fr, id, Ev("sold", "2016-04-01", maker, dealer, "FR"));
        var theft = await AddAsync(fr, id, Ev("reported-stolen", "2020-05-01", dealer, null, "FR"));
        await AddAsync(fr, id, Ev("seized", "2024-06-01", null, P("Police", "police", "BE"), "BE"));
        var before = Items(await GetAsync(fr, "/diversion-sources?groupBy=reason"));

        await (await fr.PostJsonAsync($"/api/v1/firearms/{id}/custody-events/{theft}/retract", new { reason = "Entered on the wrong record." }))
            .ExpectAsync(HttpStatusCode.OK);
        var after = Items(await GetAsync(fr, "/diversion-sources?groupBy=reason"));

        Assert.Multiple(() =>
        {
            Assert.That(before.Select(g => ((string?)g["reason"], (int)g["firearms"]!)), Is.EqualTo(new[] { ("theft", 1) }));
            Assert.That(after.Select(g => (string?)g["reason"]), Has.None.EqualTo("theft"));
        });
    }
}
