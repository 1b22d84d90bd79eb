using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Firearms;

/// <summary>
/// <c>GET /firearms?make=</c> reads a page of one make from an index in id order (issue 12), by canonical name or,
/// for a make the reference table does not know, by lower-cased text: never by walking every id.
/// </summary>
public class MakeFilterPlanTests : ApiFixture
{
    private HttpClient _owner = null!;

    [OneTimeSetUp]
    public async Task CreateRecords()
    {
        _owner = await App.AgencyAsync("AT-BK", "AT", "search", "record");
        foreach (var (serial, make) in new[] { ("MK0001", "Glock"), ("MK0002", "GLOCK Ges.m.b.H."), ("MK0003", "Acme Arms"), ("MK0004", "Beretta"), ("MK0005", "acme ARMS") })
        {
            await (await _owner.PostJsonAsync("/api/v1/firearms", Firearm(serial) with { Make = make })).ExpectAsync(HttpStatusCode.Created);
        }
    }

    [TestCase(FirearmQueries.ListFilters.Make, "ix_firearm_canonical_make")]
    [TestCase(FirearmQueries.ListFilters.Make | FirearmQueries.ListFilters.MakeUnresolved, "ix_firearm_make_lower")]
    [TestCase(FirearmQueries.ListFilters.Make | FirearmQueries.ListFilters.Status, "ix_firearm_canonical_make")]
    public async Task AMakeFilterIsReadFromItsIndexInIdOrder(FirearmQueries.ListFilters filters, string index)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={App.DatabasePath}");
        var plan = (await connection.QueryAsync<PlanRow>("EXPLAIN QUERY PLAN " + FirearmQueries.SelectPage(filters).For(SqliteDialect.Instance), new
        {
            afterId = 0L, status = "stolen", type = (string?)null, countryCode = (string?)null, make = "acme arms", canonicalMake = "Glock",
            updatedSince = (DateTimeOffset?)null, take = 51, callerAgencyId = 1L, callerCountry = "AT",
        })).Select(r => r.Detail).ToList();

        Assert.That(plan, Has.Some.Contains($"USING INDEX {index}"), string.Join("\n", plan));
        Assert.That(plan, Has.None.Contains("TEMP B-TREE"), string.Join("\n", plan));
        Assert.That(plan, Has.None.Match("^SCAN f( |$)"), string.Join("\n", plan));
    }

    [TestCase("glock", new[] { "MK0001", "MK0002" })]
    [TestCase("Glock GmbH", new[] { "MK0001", "MK0002" })]
    [TestCase("ACME arms", new[] { "MK0003", "MK0005" })]
    [TestCase("Nobody", new string[0])]
    public async Task AMakeFilterFindsEverySpellingOfTheMake(string make, string[] serials)
    {
        var page = await (await _owner.GetAsync($"/api/v1/firearms?make={Uri.EscapeDataString(make)}&limit=50")).ExpectAsync(HttpStatusCode.OK);
        Assert.That(page["items"]!.AsArray().Select(i => (string)i!["serialNumber"]!), Is.EqualTo(serials));
    }

    private sealed class PlanRow
    {
        public string Detail { get; set; } = "";
    }
}
