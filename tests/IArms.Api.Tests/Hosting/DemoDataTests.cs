using System.Net;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Api.Tests.Hosting;

/// <summary>The demo that <c>scripts/run.sh</c> starts: seeded through the features themselves, audit included.</summary>
public class DemoDataTests : ApiFixture
{
    private const string GermanKey = "demo-de-bka-key-0000000000000002";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["IArms:SeedDemoData"] = "true",
    };

    [Test]
    public async Task TheServiceStartsWithTheDemoSeededAndItsTracedRifleReadable()
    {
        // The seeding's trace request is audited: were the demo seeded before the audit writer ran, start-up would
        // never end, so the start is bounded here rather than left to hang the suite.
        using var german = await Task.Run(() => App.ClientWithKey(GermanKey)).WaitAsync(TimeSpan.FromSeconds(90));

        var ready = await german.GetAsync("/health/ready");
        var trace = await (await german.GetAsync("/api/v1/firearms/3/trace")).ExpectAsync(HttpStatusCode.OK);
        var outgoing = await (await german.GetAsync("/api/v1/trace-requests?direction=outgoing")).ExpectAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((string?)trace["diversion"]?["reason"], Is.Not.Null, "the demo rifle's chain names its point of diversion");
            Assert.That(outgoing["items"]!.AsArray(), Is.Not.Empty, "the demo's trace request to Ukraine");
        });
    }
}
